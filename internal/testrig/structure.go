package testrig

import "testing"

// structureJS lists what the page lacks of the structure every Jigsaw
// page shares: one main landmark, a banner, navigation and a footer, one
// h1 and no skipped heading levels, a skip link first, and, where a form
// marks fields invalid, an error summary linking to each of them.
const structureJS = `(() => {
  const p = [];
  const mains = document.querySelectorAll('main, [role=main]');
  if (mains.length !== 1) p.push(mains.length + ' main landmarks, want 1');
  const main = mains[0];
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) p.push(h1.length + ' h1 headings, want 1');
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const n = +h.tagName[1];
    if (last && n > last + 1) p.push(h.tagName.toLowerCase() + ' "' + h.textContent.trim().slice(0, 40) + '" follows an h' + last);
    last = n;
  }
  const top = sel => [...document.querySelectorAll(sel)].some(e => !e.parentElement.closest('main, article, section, aside, nav'));
  if (!top('header, [role=banner]')) p.push('no banner landmark (a page-level header)');
  if (!document.querySelector('nav, [role=navigation]')) p.push('no navigation landmark');
  if (!top('footer, [role=contentinfo]')) p.push('no contentinfo landmark (a page-level footer)');
  const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])');
  const href = first ? first.getAttribute('href') || '' : '';
  if (!first || first.tagName !== 'A' || href.length < 2 || href[0] !== '#') {
    p.push('the first focusable element is not a skip link to the content');
  } else {
    const target = document.getElementById(decodeURIComponent(href.slice(1)));
    if (!target) p.push('the skip link leads to ' + href + ', which is not on the page');
    else if (main && !(target === main || main.contains(target) || target.contains(main))) p.push('the skip link leads to ' + href + ', outside the main content');
  }
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')];
  if (invalid.length) {
    const summary = document.querySelector('.error-summary, [role=alert]');
    if (!summary) p.push(invalid.length + ' fields are marked invalid but there is no error summary (role=alert)');
    else for (const f of invalid) {
      if (f.id && !summary.querySelector('a[href="#' + CSS.escape(f.id) + '"]')) p.push('the error summary does not link to the invalid field #' + f.id);
    }
  }
  return p;
})()`

// StructureProblems checks the page's landmarks, headings, skip link and
// error summary, returning what is wrong.
func (b *Browser) StructureProblems(tb testing.TB) []string {
	tb.Helper()
	var out []string
	b.eval(tb, structureJS, &out)
	return out
}
