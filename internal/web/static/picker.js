// Jigsaw's pickers: suggestions as people type, for the inputs marked
// data-suggest (see templates/partials/picker.html). Each becomes a
// combobox with a listbox of suggestions, as the WAI-ARIA Authoring
// Practices describe: the arrow keys move through the suggestions, Enter
// chooses one, Escape closes the list, and a live region says how many
// there are. Everything works without this file: the forms' Find buttons
// and the server's resolution of typed names do the same work.
//
// data-mode says what choosing does:
//   checkbox  adds a ticked checkbox (name data-field) to #data-target;
//   fill      puts the name in the input;
//   lines     adds "Title (#12)" as a line of the textarea, through a
//             search box made for it.
(function () {
  'use strict';

  var script = document.currentScript;
  var text = function (key, fallback) {
    return (script && script.getAttribute('data-text-' + key)) || fallback;
  };
  var minLength = 2;
  var delay = 150;
  var uid = 0;

  function el(tag, attrs, content) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (content) e.textContent = content;
    return e;
  }

  function setup(field) {
    var mode = field.getAttribute('data-mode') || 'fill';
    var input = field;
    var n = ++uid;
    if (mode === 'lines') {
      // A search box above the textarea, which keeps the list.
      var id = (field.id || 'picker') + '-find';
      var label = el('label', { for: id }, field.getAttribute('data-find-label') || text('find', 'Find one to add'));
      input = el('input', { id: id, type: 'search', autocomplete: 'off', maxlength: '100' });
      var box = el('div', { class: 'picker-find' });
      box.appendChild(input);
      field.parentNode.insertBefore(label, field);
      field.parentNode.insertBefore(box, field);
    }
    var wrap = el('div', { class: 'picker' });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var listID = 'picker-list-' + n;
    var list = el('ul', { id: listID, role: 'listbox', class: 'picker-list', hidden: '' });
    if (input.labels && input.labels.length) {
      var labelEl = input.labels[0];
      if (!labelEl.id) labelEl.id = 'picker-label-' + n;
      list.setAttribute('aria-labelledby', labelEl.id);
    }
    var status = el('div', { role: 'status', class: 'visually-hidden' });
    wrap.appendChild(list);
    wrap.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listID);
    input.setAttribute('autocomplete', 'off');

    var items = [];
    var active = -1;
    var chose = false; // Enter just chose a suggestion
    var timer = 0;
    var asked = 0;

    function announce(msg) { status.textContent = msg; }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function activate(i) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = i;
      if (i < 0 || !options[i]) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[i].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    }

    function chosen(item) {
      if (mode === 'checkbox') {
        var box = document.getElementById(field.getAttribute('data-target'));
        var c = box && box.querySelector('input[value="' + item.id + '"]');
        return !!(c && c.checked);
      }
      if (mode === 'lines') {
        return field.value.indexOf('(#' + item.id + ')') >= 0;
      }
      return false;
    }

    function show(results) {
      items = results.filter(function (r) { return !chosen(r); });
      list.textContent = '';
      active = -1;
      input.removeAttribute('aria-activedescendant');
      items.forEach(function (r, i) {
        var li = el('li', { id: listID + '-' + i, role: 'option', 'aria-selected': 'false' }, r.name);
        if (r.code) {
          li.appendChild(document.createTextNode(' '));
          li.appendChild(el('span', { class: 'meta' }, '(' + r.code + ')'));
        }
        li.addEventListener('click', function () { choose(i); });
        list.appendChild(li);
      });
      if (items.length === 0) {
        close();
        announce(text('none', 'No matches.'));
        return;
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      announce(items.length === 1 ? text('one', '1 suggestion.') :
        text('many', '{n} suggestions.').replace('{n}', items.length));
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < minLength) {
        close();
        return;
      }
      var mine = ++asked;
      var url = field.getAttribute('data-suggest') + '?q=' + encodeURIComponent(q);
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.json() : { results: [] }; })
        .then(function (body) {
          if (mine === asked && document.activeElement === input) show(body.results || []);
        })
        .catch(function () { if (mine === asked) close(); });
    }

    function choose(i) {
      var item = items[i];
      if (!item) return;
      if (mode === 'checkbox') {
        var box = document.getElementById(field.getAttribute('data-target'));
        var c = box.querySelector('input[value="' + item.id + '"]');
        if (!c) {
          // The same markup as the server's (partials/picker.html).
          var id = 'organisation-' + item.id;
          var choice = el('div', { class: 'choice' });
          c = el('input', { type: 'checkbox', id: id, name: field.getAttribute('data-field'), value: String(item.id) });
          var label = el('label', { for: id }, item.name);
          if (item.code) {
            label.appendChild(document.createTextNode(' '));
            label.appendChild(el('span', { class: 'hint' }, '(' + item.code + ')'));
          }
          choice.appendChild(c);
          choice.appendChild(label);
          box.appendChild(choice);
        }
        c.checked = true;
        input.value = '';
      } else if (mode === 'lines') {
        var v = field.value.replace(/\s+$/, '');
        field.value = (v ? v + '\n' : '') + item.name + ' (#' + item.id + ')';
        input.value = '';
      } else {
        input.value = item.name;
      }
      close();
      announce(text('added', 'Added {name}.').replace('{name}', item.name));
      input.focus();
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, delay);
    });
    input.addEventListener('keydown', function (e) {
      var open = !list.hidden;
      switch (e.key) {
        case 'ArrowDown':
          e.preventDefault();
          if (!open) {
            if (items.length) {
              list.hidden = false;
              input.setAttribute('aria-expanded', 'true');
              activate(0);
            } else {
              ask();
            }
            return;
          }
          activate(active + 1 < items.length ? active + 1 : 0);
          break;
        case 'ArrowUp':
          if (!open) return;
          e.preventDefault();
          activate(active > 0 ? active - 1 : items.length - 1);
          break;
        case 'Enter':
          // With no suggestion chosen, Enter does what it would do
          // without this file (the story form's Find).
          if (open && active >= 0) {
            e.preventDefault();
            chose = true;
            choose(active);
          }
          break;
        case 'Escape':
          if (open) {
            e.preventDefault();
            close();
          }
          break;
        case 'Tab':
          close();
          break;
      }
    });
    // The Enter that chose a suggestion must not also send the form.
    input.addEventListener('keypress', function (e) {
      if (e.key === 'Enter' && chose) e.preventDefault();
    });
    input.addEventListener('keyup', function () { chose = false; });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    // A click on a suggestion must not take the focus from the input
    // before the click lands.
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-suggest]'), setup);
})();
