package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
)

// Federation: the admins' page of followers, followed instances and
// blocked domains, and the public view of what the instances this one
// follows sent ("from the coalition"), never mixed with local records.

// CoalitionStore is what the public view of remote items reads.
type CoalitionStore interface {
	FindRemoteItems(ctx context.Context, f jigsaw.RemoteItemFilter) ([]*jigsaw.RemoteItem, int, error)
	RemoteDomains(ctx context.Context) ([]jigsaw.RemoteDomain, error)
}

// FederationAdmin is what the admins' federation page reads and does.
type FederationAdmin interface {
	FindFollowers(ctx context.Context, limit, offset int) ([]*jigsaw.Follower, int, error)
	FindFollowing(ctx context.Context) ([]*jigsaw.Following, error)
	DomainBlocks(ctx context.Context) ([]*jigsaw.DomainBlock, error)
	BlockDomain(ctx context.Context, b *jigsaw.DomainBlock, audit *jigsaw.AuditEntry) (followers, items int, err error)
	UnblockDomain(ctx context.Context, domain string, audit *jigsaw.AuditEntry) error
	// Follow, Unfollow and RotateKey send what they must to the peers.
	Follow(ctx context.Context, target string, audit *jigsaw.AuditEntry) (*jigsaw.Following, error)
	Unfollow(ctx context.Context, actor string, audit *jigsaw.AuditEntry) error
	RotateKey(ctx context.Context, audit *jigsaw.AuditEntry) error
}

// coalitionPerPage is how many remote items a page lists.
const coalitionPerPage = 20

// CoalitionView is the view of /coalition.
type CoalitionView struct {
	Page
	Items   []RemoteItemView
	Domains []jigsaw.RemoteDomain
	Filter  jigsaw.RemoteItemFilter
	Form    *Form
	Pager   Pager
}

// coalitionFilterLabels names the fields of the coalition's filter form.
var coalitionFilterLabels = map[string]string{"q": "Search", "domain": "From", "page": "Page", "limit": "Limit", "offset": "Offset"}

// HandleCoalition serves /coalition: the items of the instances followed,
// newest first, each marked with where it comes from and linked to it.
func (p *Pages) HandleCoalition(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	domains, err := p.Store.RemoteDomains(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := CoalitionView{Page: p.page(r, tr(r).Sprintf("From the coalition")), Domains: domains, Form: newForm(r.URL.Query())}
	f, list, err := listparams.Coalition(ctx, r.URL.Query(), coalitionPerPage)
	var items []*jigsaw.RemoteItem
	total := 0
	if err == nil {
		// A search without words is refused by the store, naming q.
		items, total, err = p.Store.FindRemoteItems(ctx, f)
	}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, coalitionFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "coalition", view)
		return
	}
	for _, it := range items {
		view.Items = append(view.Items, RemoteItemView{it, template.HTML(it.Content)})
	}
	view.Filter = f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "coalition", view)
}

// FederationView is the view of /admin/federation.
type FederationView struct {
	Page
	Followers []*jigsaw.Follower
	Following []*jigsaw.Following
	Blocks    []*jigsaw.DomainBlock
	Pager     Pager
	// FollowForm and BlockForm are the two forms, with what was typed and
	// what was wrong when refused.
	FollowForm, BlockForm SimpleForm
	Done                  string
}

const followersPerPage = 100

// HandleFederation serves the admins' federation page.
func (p *Pages) HandleFederation(w http.ResponseWriter, r *http.Request) {
	p.renderFederation(w, r, http.StatusOK, SimpleForm{}, SimpleForm{}, r.URL.Query().Get("done"))
}

func (p *Pages) renderFederation(w http.ResponseWriter, r *http.Request, status int, follow, block SimpleForm, done string) {
	ctx := r.Context()
	list, err := listparams.Followers(ctx, r.URL.Query(), followersPerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := FederationView{Page: p.page(r, tr(r).Sprintf("Federation")), FollowForm: follow, BlockForm: block, Done: done}
	var total int
	if view.Followers, total, err = p.Federation.FindFollowers(ctx, list.Limit, list.Offset); err == nil {
		if view.Following, err = p.Federation.FindFollowing(ctx); err == nil {
			view.Blocks, err = p.Federation.DomainBlocks(ctx)
		}
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Pager = newPager(list, total, r.URL.Query())
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, status, "federation", view)
}

// HandleFederationAction does one of the federation page's actions:
// follow, unfollow, block, unblock, rotate-key. Each is audited.
func (p *Pages) HandleFederationAction(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	ctx := r.Context()
	admin := jigsaw.UserFromContext(ctx)
	audit := func(action, detail string) *jigsaw.AuditEntry {
		return &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "federation-" + action, ObjectType: "federation",
			Detail: detail, IP: auth.ClientIP(r)}
	}
	form := r.PostForm
	var done string
	var err error
	switch action := r.PathValue("action"); action {
	case "follow":
		var f *jigsaw.Following
		if f, err = p.Federation.Follow(ctx, form.Get("target"), audit(action, "")); err != nil {
			p.renderFederation(w, r, refusalStatus(err), formFromError(r, form, err), SimpleForm{}, "")
			return
		}
		done = f.Actor
	case "unfollow":
		done, err = form.Get("actor"), p.Federation.Unfollow(ctx, form.Get("actor"), audit(action, ""))
	case "block":
		b := &jigsaw.DomainBlock{Domain: form.Get("domain"), Reason: strings.TrimSpace(form.Get("reason")), BlockedBy: admin.Email}
		if _, _, err = p.Federation.BlockDomain(ctx, b, audit(action, strings.TrimSpace(form.Get("domain"))+": "+b.Reason)); err != nil {
			p.renderFederation(w, r, refusalStatus(err), SimpleForm{}, formFromError(r, form, err), "")
			return
		}
		done = b.Domain
	case "unblock":
		done, err = form.Get("domain"), p.Federation.UnblockDomain(ctx, form.Get("domain"), audit(action, form.Get("domain")))
	case "rotate-key":
		done, err = tr(r).Sprintf("a new key"), p.Federation.RotateKey(ctx, audit(action, ""))
	default:
		p.NotFound(w, r)
		return
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/federation?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// RemoteItemView is a remote item with its content as HTML: it was
// sanitised with the allow-list of rendered Markdown when it arrived.
type RemoteItemView struct {
	*jigsaw.RemoteItem
	HTML template.HTML
}
