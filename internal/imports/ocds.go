package imports

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jigsaw"
	"jigsaw/internal/store"
)

// The parts of an OCDS 1.1 release that Jigsaw uses. Everything else in a
// release (contact points among it: they name people) is not even decoded.
type release struct {
	OCID      flexString  `json:"ocid"`
	ID        flexString  `json:"id"`
	Date      flexString  `json:"date"`
	Tag       flexStrings `json:"tag"`
	URL       flexString  `json:"url"` // a linked release in a record: a pointer, not a release
	Parties   []party     `json:"parties"`
	Buyer     *partyRef   `json:"buyer"`
	Tender    *tender     `json:"tender"`
	Awards    []award     `json:"awards"`
	Contracts []contract  `json:"contracts"`
	Docs      []document  `json:"documents"` // not standard at release level, but seen
}

type partyRef struct {
	ID   flexString `json:"id"`
	Name flexString `json:"name"`
}

type party struct {
	ID         flexString   `json:"id"`
	Name       flexString   `json:"name"`
	Roles      flexStrings  `json:"roles"`
	Identifier *identifier  `json:"identifier"`
	Additional []identifier `json:"additionalIdentifiers"`
	Address    *address     `json:"address"`
}

type identifier struct {
	Scheme    flexString `json:"scheme"`
	ID        flexString `json:"id"`
	LegalName flexString `json:"legalName"`
}

type address struct {
	PostalCode flexString `json:"postalCode"`
	Locality   flexString `json:"locality"`
	Region     flexString `json:"region"` // Find a Tender: an ITL (NUTS) code
}

type value struct {
	Amount   amount     `json:"amount"`
	Currency flexString `json:"currency"`
}

type period struct {
	StartDate flexString `json:"startDate"`
	EndDate   flexString `json:"endDate"`
}

type document struct {
	URL          flexString `json:"url"`
	DocumentType flexString `json:"documentType"`
}

type tender struct {
	// Kept raw, read only by the CPV filter (cpvCodes).
	Classification json.RawMessage `json:"classification"`
	Items          json.RawMessage `json:"items"`
	Title          flexString      `json:"title"`
	Description    flexString      `json:"description"`
	Value          *value          `json:"value"`
	ContractPeriod *period         `json:"contractPeriod"`
	Documents      []document      `json:"documents"`
}

type award struct {
	ID             flexString `json:"id"`
	Title          flexString `json:"title"`
	Description    flexString `json:"description"`
	Status         flexString `json:"status"`
	Date           flexString `json:"date"`
	Value          *value     `json:"value"`
	Suppliers      []partyRef `json:"suppliers"`
	ContractPeriod *period    `json:"contractPeriod"`
	Documents      []document `json:"documents"`
}

type contract struct {
	ID          flexString `json:"id"`
	AwardID     flexString `json:"awardID"`
	Title       flexString `json:"title"`
	Description flexString `json:"description"`
	Status      flexString `json:"status"`
	Value       *value     `json:"value"`
	Period      *period    `json:"period"`
	DateSigned  flexString `json:"dateSigned"`
	Documents   []document `json:"documents"`
}

type record struct {
	OCID            flexString `json:"ocid"`
	Releases        []release  `json:"releases"`
	CompiledRelease *release   `json:"compiledRelease"`
}

// packageMeta is what a package says about itself.
type packageMeta struct {
	URI       string
	Publisher string
	Next      string // links.next: the next page of a paged feed
}

// OCDSPackage is what an OCDS file's package said about itself (the last
// package's, in a file of several).
type OCDSPackage struct {
	URI       string
	Publisher string
	// Next is the package's links.next: the address of the next page of a
	// paged search feed (Contracts Finder's, Find a Tender's), or "".
	Next string
}

// readOCDS reads OCDS from src — a release package, a record package, a bare
// release, or any number of them one after another (JSON Lines) — and calls
// fn for each release with its JSON path. Record packages give their
// compiled release when they have one, else their embedded releases.
// The last package's own metadata goes to last, when not nil.
func readOCDS(src *Source, last *packageMeta, fn func(r *release, meta packageMeta, path, at string) error) error {
	s := newJSONStream(src)
	s.dec.UseNumber()
	for n := 0; ; n++ {
		root := "$"
		if n > 0 {
			root = fmt.Sprintf("$[value %d]", n+1)
		}
		start := s.valueStart()
		tok, err := s.token(root)
		if err == io.EOF {
			if n == 0 {
				return src.Errorf("", "the file is empty: expected an OCDS release package, record package or release")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if tok != json.Delim('{') {
			return src.Errorf(src.At(start), "%s: expected an OCDS release package, record package or release (a JSON object), found %s", root, describeToken(tok))
		}
		if err := readOCDSObject(s, root, start, last, fn); err != nil {
			return err
		}
	}
}

func readOCDSObject(s *jsonStream, root string, start int64, last *packageMeta, fn func(r *release, meta packageMeta, path, at string) error) error {
	var meta packageMeta
	rest := map[string]json.RawMessage{}
	lists := false
	for s.dec.More() {
		tok, err := s.token(root)
		if err != nil {
			return eofIsTruncation(s, err, root)
		}
		key, _ := tok.(string)
		path := root + "." + key
		switch key {
		case "releases", "records":
			lists = true
			if err := s.expect('[', path, "an array"); err != nil {
				return err
			}
			for i := 0; s.dec.More(); i++ {
				ipath := fmt.Sprintf("%s[%d]", path, i)
				at := s.src.At(s.valueStart())
				if key == "releases" {
					var r release
					if err := s.decode(&r, ipath); err != nil {
						return err
					}
					if r.OCID == "" && r.URL != "" {
						continue // a linked release: only a URL
					}
					if err := fn(&r, meta, ipath, at); err != nil {
						return err
					}
					continue
				}
				var rec record
				if err := s.decode(&rec, ipath); err != nil {
					return err
				}
				if rec.CompiledRelease != nil {
					if rec.CompiledRelease.OCID == "" {
						rec.CompiledRelease.OCID = rec.OCID
					}
					if err := fn(rec.CompiledRelease, meta, ipath+".compiledRelease", at); err != nil {
						return err
					}
					continue
				}
				for j := range rec.Releases {
					if rec.Releases[j].OCID == "" {
						continue
					}
					if err := fn(&rec.Releases[j], meta, fmt.Sprintf("%s.releases[%d]", ipath, j), at); err != nil {
						return err
					}
				}
			}
			if err := s.expect(']', path, "the end of the array"); err != nil {
				return err
			}
		case "publisher":
			var p struct {
				Name flexString `json:"name"`
			}
			var raw json.RawMessage
			if err := s.decode(&raw, path); err != nil {
				return err
			}
			if json.Unmarshal(raw, &p) == nil {
				meta.Publisher = string(p.Name)
			}
		case "links":
			var l struct {
				Next flexString `json:"next"`
			}
			var raw json.RawMessage
			if err := s.decode(&raw, path); err != nil {
				return err
			}
			if json.Unmarshal(raw, &l) == nil {
				meta.Next = strings.TrimSpace(string(l.Next))
			}
		case "uri":
			var u flexString
			var raw json.RawMessage
			if err := s.decode(&raw, path); err != nil {
				return err
			}
			if json.Unmarshal(raw, &u) == nil {
				meta.URI = string(u)
			}
		default:
			var raw json.RawMessage
			if err := s.decode(&raw, path); err != nil {
				return err
			}
			if !lists {
				rest[key] = raw // perhaps a bare release
			}
		}
	}
	if _, err := s.token(root); err != nil {
		return eofIsTruncation(s, err, root)
	}
	if last != nil {
		*last = meta
	}
	if lists {
		return nil
	}
	if _, ok := rest["ocid"]; !ok {
		return s.src.Errorf(s.src.At(start), "%s: expected an OCDS release package (with \"releases\"), record package (with \"records\") or release (with \"ocid\"), found an object with none of them", root)
	}
	b, err := json.Marshal(rest)
	if err != nil {
		return err
	}
	var r release
	if err := json.Unmarshal(b, &r); err != nil {
		// encoding/json's text names our Go types; say where in the file.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return s.src.Errorf(s.src.At(start), "%s: expected %s, found %s", joinPath(root, te.Field), typeName(te.Type), te.Value)
		}
		return fmt.Errorf("%w: %w", s.src.Errorf(s.src.At(start), "%s: not a usable OCDS release", root), err)
	}
	return fn(&r, meta, root, s.src.At(start))
}

func eofIsTruncation(s *jsonStream, err error, path string) error {
	if err == io.EOF {
		return s.src.Errorf(s.src.At(s.src.pos.off), "%s: the file ends in the middle of a value (is it truncated?)", path)
	}
	return err
}

// OCDSOptions choose what an OCDS import takes.
type OCDSOptions struct {
	// NHSOnly keeps releases whose buyer is an NHS body: by an NHS ODS code,
	// by an NHS kind of organisation already known, or by its name.
	NHSOnly bool
	// Buyers keeps releases whose buyer has one of these ODS codes, or whose
	// name contains one of these (ignoring case). Empty keeps all.
	Buyers []string
	// Since keeps releases dated on or after this day (YYYY-MM-DD).
	Since string
	// CPV keeps releases whose tender is classified (tender.classification,
	// or the classification or additionalClassifications of one of
	// tender.items) under one of these CPV
	// codes or code prefixes ("851" keeps 85100000 and 85110000). Empty
	// keeps all.
	CPV []string
	// Regions keeps releases whose buyer's address is in one of these
	// regions: ITL codes or postcode areas or districts (see
	// jigsaw.InRegion). Empty keeps all.
	Regions []string
	// Package, when not nil, receives what the file's package said about
	// itself: a paged feed's next page among it.
	Package *OCDSPackage
}

// ocdsImport maps releases to contract-award tracker items within one import.
type ocdsImport struct {
	it     *store.ImportTx
	src    *Source
	opt    OCDSOptions
	counts *jigsaw.ImportCounts
	orgs   map[string]*jigsaw.Organisation // by "ods:CODE", "coh:NUMBER", "name:lower name"
	seen   map[uint64]int32                // hash of release (ocid, id) → its number in the file, to catch duplicates
	at     string                          // where the current release is, for errors
}

// ImportOCDS reads one OCDS file into it: see readOCDS for the shapes read.
// Decoding runs in a goroutine of its own, a few releases ahead of the
// database work, so the two share the machine's cores.
func ImportOCDS(it *store.ImportTx, src *Source, opt OCDSOptions, counts *jigsaw.ImportCounts, progress *Progress) error {
	im := &ocdsImport{it: it, src: src, opt: opt, counts: counts,
		orgs: map[string]*jigsaw.Organisation{}, seen: map[uint64]int32{}}
	type parsed struct {
		r        *release
		meta     packageMeta
		path, at string
	}
	// The reader keeps up to two batches decoded ahead of the one being
	// written.
	queue := make(chan parsed, 2*ocdsBatch)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(queue)
		var last packageMeta
		defer func() {
			if opt.Package != nil {
				*opt.Package = OCDSPackage{URI: last.URI, Publisher: last.Publisher, Next: last.Next}
			}
		}()
		readErr = readOCDS(src, &last, func(r *release, meta packageMeta, path, at string) error {
			select {
			case queue <- parsed{r, meta, path, at}:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	fail := func(err error) error {
		close(stop)
		for range queue {
		}
		return err
	}
	batch := make([]parsed, 0, ocdsBatch)
	for p := range queue {
		batch = append(batch[:0], p)
		for len(batch) < ocdsBatch {
			p, ok := <-queue
			if !ok {
				break
			}
			batch = append(batch, p)
		}
		// What the batch's releases will ask of the database one at a
		// time, asked at once.
		var releases []*release
		for _, p := range batch {
			releases = append(releases, p.r)
		}
		if err := it.Prefetch(im.prefetch(releases)); err != nil {
			return fail(err)
		}
		for _, p := range batch {
			counts.Read++
			progress.Update(src, counts.Read)
			if err := im.release(p.r, p.meta, p.path, p.at); err != nil {
				return fail(err)
			}
		}
	}
	// Every release before the reader's error, if any, was applied: errors
	// come in the order of the file.
	return readErr
}

var errStopped = errors.New("stopped")

// prefetch is what the releases will look up: whether they were applied,
// their awards' items, and the organisations of their parties not met yet.
func (im *ocdsImport) prefetch(releases []*release) store.Prefetch {
	var p store.Prefetch
	for _, r := range releases {
		ocid := strings.TrimSpace(string(r.OCID))
		p.OCIDs = append(p.OCIDs, ocid)
		for i := range r.Awards {
			p.SourceKeys = append(p.SourceKeys, awardKey(ocid, awardID(&r.Awards[i], i)))
		}
		for i := range r.Parties {
			k := orgKeys(&r.Parties[i])
			if k.name == "" || im.known(k) != nil {
				continue
			}
			if k.ods != "" {
				p.ODSCodes = append(p.ODSCodes, k.ods)
			}
			if k.coh != "" {
				p.CompanyNumbers = append(p.CompanyNumbers, k.coh)
			}
			p.Names = append(p.Names, k.name)
		}
	}
	return p
}

// ocdsBatch is how many releases are read before the database is asked
// what it knows of them.
const ocdsBatch = 128

func (im *ocdsImport) release(r *release, meta packageMeta, path, at string) error {
	im.at = at + ": " + path
	ocid, id := strings.TrimSpace(string(r.OCID)), strings.TrimSpace(string(r.ID))
	if ocid == "" {
		return im.src.Errorf(at, "%s.ocid: a release must have an ocid", path)
	}
	if id == "" {
		return im.src.Errorf(at, "%s.id: a release must have an id", path)
	}
	h := fnv.New64a()
	h.Write([]byte(ocid + "\x00" + id))
	if first, dup := im.seen[h.Sum64()]; dup {
		return im.src.Errorf(at, "%s: release %q of %q appears twice in the file (first as release number %d)", path, truncate(id, 100), truncate(ocid, 100), first)
	}
	im.seen[h.Sum64()] = int32(im.counts.Read)
	date, err := releaseDate(string(r.Date))
	if err != nil {
		return im.src.Errorf(at, "%s.date: %v", path, err)
	}
	if im.opt.Since != "" && date != "" && date[:10] < im.opt.Since {
		im.counts.Skip("dated before --since")
		return nil
	}
	applied, newest, err := im.it.OCDSRelease(ocid, id)
	if err != nil {
		return err
	}
	switch {
	case applied:
		im.counts.Unchanged++
		return nil
	case newest != "" && date != "" && date < newest:
		im.counts.Skip("older than a release already imported")
		return im.it.MarkOCDSRelease(ocid, id, date)
	}
	// Left out by the CPV filter, a release is not marked applied: a source
	// with another filter may still import it.
	if len(im.opt.CPV) > 0 && !cpvSelected(r, im.opt.CPV, newest != "") {
		im.counts.Skip("CPV code not selected")
		return nil
	}
	parties := map[string]*party{}
	for i := range r.Parties {
		parties[string(r.Parties[i].ID)] = &r.Parties[i]
	}
	buyer := im.buyerParty(r, parties)
	if !im.wanted(buyer) {
		im.counts.Skip("buyer not selected")
		return im.it.MarkOCDSRelease(ocid, id, date)
	}
	// Like the CPV filter's, a release outside the regions stays unmarked.
	if len(im.opt.Regions) > 0 && (buyer == nil || buyer.Address == nil ||
		!jigsaw.InRegion(im.opt.Regions, string(buyer.Address.Region), string(buyer.Address.PostalCode))) {
		im.counts.Skip("buyer outside the regions")
		return nil
	}
	awards := 0
	for i := range r.Awards {
		a := &r.Awards[i]
		switch strings.ToLower(string(a.Status)) {
		case "cancelled", "unsuccessful":
			continue
		}
		awards++
		if err := im.award(r, a, i, buyer, parties, meta, date); err != nil {
			return err
		}
	}
	if awards == 0 {
		im.counts.Skip("no award")
	}
	return im.it.MarkOCDSRelease(ocid, id, date)
}

// cpvSelected reports whether the release's tender is classified under one
// of the CPV code prefixes. A release that carries no code (a later release
// of a process may leave the tender out) is selected when an earlier
// release of its process was: known says whether one was imported.
func cpvSelected(r *release, prefixes []string, known bool) bool {
	codes := cpvCodes(r)
	if len(codes) == 0 {
		return known
	}
	for _, code := range codes {
		for _, p := range prefixes {
			if strings.HasPrefix(code, p) {
				return true
			}
		}
	}
	return false
}

// cpvCodes returns the CPV codes of the release's tender and its items,
// digits only (85100000-0 and 85100000 are one code). Classifications in
// other schemes, and shapes that are not OCDS's, are passed over.
func cpvCodes(r *release) []string {
	if r.Tender == nil {
		return nil
	}
	type class struct {
		Scheme flexString `json:"scheme"`
		ID     flexString `json:"id"`
	}
	var classes []class
	var c class
	if json.Unmarshal(r.Tender.Classification, &c) == nil {
		classes = append(classes, c)
	}
	// Find a Tender puts a lot's codes in its item's additionalClassifications.
	var items []struct {
		Classification class   `json:"classification"`
		Additional     []class `json:"additionalClassifications"`
	}
	if json.Unmarshal(r.Tender.Items, &items) == nil {
		for _, it := range items {
			classes = append(classes, it.Classification)
			classes = append(classes, it.Additional...)
		}
	}
	var out []string
	for _, c := range classes {
		if scheme := strings.TrimSpace(string(c.Scheme)); scheme != "" && !strings.EqualFold(scheme, "CPV") {
			continue
		}
		id := strings.TrimSpace(string(c.ID))
		n := 0
		for n < len(id) && id[n] >= '0' && id[n] <= '9' {
			n++
		}
		if n > 0 {
			out = append(out, id[:n])
		}
	}
	return out
}

// releaseDate returns an OCDS date as RFC 3339 in UTC, or "".
func releaseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339), nil
		}
	}
	return "", fmt.Errorf("%q is not a date (OCDS dates are ISO 8601, e.g. 2019-10-14T00:00:00Z)", truncate(s, 40))
}

// day returns the YYYY-MM-DD of an OCDS date, or "" when it is none.
func day(s flexString) string {
	d, err := releaseDate(string(s))
	if err != nil || d == "" {
		return ""
	}
	return d[:10]
}

func (im *ocdsImport) buyerParty(r *release, parties map[string]*party) *party {
	if r.Buyer != nil {
		if p := parties[string(r.Buyer.ID)]; p != nil {
			return p
		}
		if r.Buyer.Name != "" {
			return &party{ID: r.Buyer.ID, Name: r.Buyer.Name}
		}
	}
	for _, p := range parties {
		for _, role := range p.Roles {
			if role == "buyer" {
				return p
			}
		}
	}
	return nil
}

var nhsNameRE = regexp.MustCompile(`(?i)\bNHS\b|\bhospitals?\b|integrated care board|clinical commissioning group|foundation trust|ambulance service|health and care trust|healthcare trust|NHS England|health education england|public health england`)

// wanted applies --nhs-only and --buyer to the buyer.
func (im *ocdsImport) wanted(buyer *party) bool {
	if !im.opt.NHSOnly && len(im.opt.Buyers) == 0 {
		return true
	}
	if buyer == nil {
		return false
	}
	ods, _ := identifiers(buyer)
	name := cleanName(string(buyer.Name))
	if len(im.opt.Buyers) > 0 {
		for _, b := range im.opt.Buyers {
			if (ods != "" && strings.EqualFold(ods, b)) || strings.Contains(strings.ToLower(name), strings.ToLower(b)) {
				return true
			}
		}
		return false
	}
	if ods != "" || nhsNameRE.MatchString(name) {
		return true
	}
	if o := im.orgs["name:"+strings.ToLower(name)]; o != nil {
		return nhsKind(o.Kind)
	}
	o, err := im.it.OrganisationByName(name)
	return err == nil && o != nil && nhsKind(o.Kind)
}

func nhsKind(k jigsaw.OrgKind) bool {
	switch k {
	case jigsaw.OrgNHSTrust, jigsaw.OrgFoundationTrust, jigsaw.OrgICB, jigsaw.OrgCCG, jigsaw.OrgGPPractice, jigsaw.OrgNationalBody,
		jigsaw.OrgWalkInCentre, jigsaw.OrgOutOfHours, jigsaw.OrgUrgentCare:
		return true
	}
	return false
}

// award creates or updates the tracker item of one award.
func (im *ocdsImport) award(r *release, a *award, index int, buyer *party, parties map[string]*party, meta packageMeta, date string) error {
	ocid := strings.TrimSpace(string(r.OCID))
	awardID := awardID(a, index)
	key := awardKey(ocid, awardID)
	var c *contract
	for i := range r.Contracts {
		if strings.TrimSpace(string(r.Contracts[i].AwardID)) == awardID {
			c = &r.Contracts[i]
			break
		}
	}

	var orgs []jigsaw.TrackerOrg
	addOrg := func(p *party, role jigsaw.OrgRole) error {
		if p == nil || cleanName(string(p.Name)) == "" {
			return nil
		}
		o, err := im.organisation(p, role)
		if err != nil {
			return err
		}
		for _, x := range orgs {
			if x.OrgID == o.ID && x.Role == role {
				return nil
			}
		}
		orgs = append(orgs, jigsaw.TrackerOrg{OrgID: o.ID, Role: role})
		return nil
	}
	if err := addOrg(buyer, jigsaw.RoleBuyer); err != nil {
		return err
	}
	for _, s := range a.Suppliers {
		p := parties[string(s.ID)]
		if p == nil {
			p = &party{ID: s.ID, Name: s.Name}
		}
		if err := addOrg(p, jigsaw.RoleSupplier); err != nil {
			return err
		}
	}

	var valuePence int64
	var valueNote string
	for _, v := range []*value{a.Value, contractValue(c)} {
		if v == nil || !v.Amount.known {
			continue
		}
		cur := strings.ToUpper(strings.TrimSpace(string(v.Currency)))
		if cur != "" && cur != "GBP" {
			valueNote = fmt.Sprintf("Value as published: %s %s.", v.Amount, cur)
			break
		}
		// 0 and 1 are placeholders in Contracts Finder, not values.
		if p, ok := v.Amount.pence(); ok && p > 100 {
			valuePence = p
			break
		}
	}

	status, statusOn := jigsaw.TrackerDecided, day(a.Date)
	if strings.EqualFold(string(a.Status), "pending") {
		status, statusOn = jigsaw.TrackerProposed, ""
	}
	if c != nil {
		switch strings.ToLower(string(c.Status)) {
		case "active", "terminated":
			status, statusOn = jigsaw.TrackerImplemented, firstNonEmpty(day(c.DateSigned), periodStart(c.Period), statusOn)
		}
	}
	// A status needs a date: the release's, else today's.
	statusOn = firstNonEmpty(statusOn, dateDay(date), time.Now().UTC().Format(time.DateOnly))

	effective := firstNonEmpty(periodStart(contractPeriod(c)), periodStart(a.ContractPeriod), periodStart(tenderPeriod(r)))
	ends := firstNonEmpty(periodEnd(contractPeriod(c)), periodEnd(a.ContractPeriod), periodEnd(tenderPeriod(r)))
	if effective != "" && ends != "" && ends < effective {
		ends = ""
	}

	src := im.source(r, a, c, meta, date)

	t, err := im.it.TrackerItemBySourceKey(key)
	if err != nil {
		return err
	}
	if t == nil {
		t = &jigsaw.TrackerItem{
			Kind:        jigsaw.TrackerContractAward,
			Title:       truncate(firstNonEmpty(text(a.Title), text(contractTitle(c)), text(tenderTitle(r)), "Contract awarded by "+cleanName(string(partyName(buyer)))), 300),
			Summary:     truncate(summary(a, c, r, valueNote), 20000),
			History:     []jigsaw.StatusChange{{Status: status, On: statusOn, Note: "From OCDS release " + truncate(string(r.ID), 200)}},
			ReportedOn:  dateDay(date),
			DecidedOn:   day(a.Date),
			EffectiveOn: effective,
			EndsOn:      ends,
			ValuePence:  valuePence,
			District:    district(buyer),
			SourceKey:   key,
		}
		if t.Title == "Contract awarded by " {
			t.Title = "Contract award " + truncate(awardID, 200)
		}
		t.Organisations = orgs
		if src != nil {
			t.Sources = []jigsaw.Source{*src}
		}
		if err := im.it.CreateTrackerItem(t); err != nil {
			return im.src.storeError(err, im.at, "award "+truncate(awardID, 100))
		}
		im.counts.Created++
		return nil
	}

	// A newer release of a contract already imported: bring the facts the
	// importer owns up to date and leave what editors wrote (title, summary,
	// key issues, area, publication) alone.
	before := trackerFacts(t)
	if last := t.History[len(t.History)-1]; last.Status != status {
		t.History = append(t.History, jigsaw.StatusChange{Status: status, On: statusOn, Note: "From OCDS release " + truncate(string(r.ID), 200)})
	}
	t.DecidedOn = firstNonEmpty(day(a.Date), t.DecidedOn)
	t.EffectiveOn = firstNonEmpty(effective, t.EffectiveOn)
	t.EndsOn = firstNonEmpty(ends, t.EndsOn)
	if t.EffectiveOn != "" && t.EndsOn != "" && t.EndsOn < t.EffectiveOn {
		t.EndsOn = ""
	}
	if valuePence > 0 {
		t.ValuePence = valuePence
	}
	for _, o := range orgs {
		if !hasOrg(t.Organisations, o) {
			t.Organisations = append(t.Organisations, o)
		}
	}
	if src != nil && !hasSource(t.Sources, src.URL) {
		t.Sources = append(t.Sources, *src)
	}
	if trackerFacts(t) == before {
		im.counts.Unchanged++
		return nil
	}
	if err := im.it.UpdateTrackerItem(t); err != nil {
		return im.src.storeError(err, im.at, "award "+truncate(awardID, 100))
	}
	im.counts.Updated++
	return nil
}

// awardID is the id of the award at index of a release: its own, or one
// made of its place when it has none.
func awardID(a *award, index int) string {
	if id := strings.TrimSpace(string(a.ID)); id != "" {
		return id
	}
	return fmt.Sprintf("award-%d", index)
}

// awardKey is the source key of the tracker item made from the award
// awardID of the process ocid.
func awardKey(ocid, awardID string) string {
	key := "ocds:" + ocid + "/" + awardID
	if len(key) > 300 {
		key = key[:300]
	}
	return key
}

// trackerFacts is what an import may change on an item, to tell whether it
// did.
func trackerFacts(t *jigsaw.TrackerItem) string {
	return fmt.Sprint(t.History, t.DecidedOn, t.EffectiveOn, t.EndsOn, t.ValuePence, len(t.Organisations), t.Organisations, t.Sources)
}

func hasOrg(list []jigsaw.TrackerOrg, o jigsaw.TrackerOrg) bool {
	for _, x := range list {
		if x.OrgID == o.OrgID && x.Role == o.Role {
			return true
		}
	}
	return false
}

func hasSource(list []jigsaw.Source, url string) bool {
	for _, s := range list {
		if s.URL == url {
			return true
		}
	}
	return false
}

// message is what a person may read of err: a coded error's message and
// field messages; "Internal error." for anything else (see storeError).
func message(err error) string {
	var e *jigsaw.Error
	if errors.As(err, &e) {
		if len(e.Fields) > 0 {
			return e.Message + " (" + e.FieldSummary() + ")"
		}
		return e.Message
	}
	return jigsaw.ErrorMessage(err)
}

var (
	contractsFinderRE = regexp.MustCompile(`^ocds-b5fd17(?:raw)?-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`)
	// Find a Tender's ocids are ocds-h6vhtk-XXXXXX, one a procurement; each
	// notice of it is a release whose id is the notice's, NNNNNN-YYYY.
	findATenderRE       = regexp.MustCompile(`^ocds-h6vhtk-[0-9a-z]{6,}$`)
	findATenderNoticeRE = regexp.MustCompile(`^[0-9]{6}-[0-9]{4}$`)
)

// source is where a person can read the notice: Contracts Finder's or Find
// a Tender's page for their notices, else the first document or the
// package's own address.
func (im *ocdsImport) source(r *release, a *award, c *contract, meta packageMeta, date string) *jigsaw.Source {
	s := jigsaw.Source{Publisher: truncate(cleanName(meta.Publisher), 200), PublishedOn: dateDay(date)}
	ocid, id := strings.TrimSpace(string(r.OCID)), strings.TrimSpace(string(r.ID))
	if m := contractsFinderRE.FindStringSubmatch(ocid); m != nil {
		s.URL = "https://www.contractsfinder.service.gov.uk/Notice/" + m[1]
		s.Publisher = "Contracts Finder"
	} else if findATenderRE.MatchString(ocid) {
		s.URL = "https://www.find-tender.service.gov.uk/procurement/" + ocid
		if findATenderNoticeRE.MatchString(id) {
			s.URL = "https://www.find-tender.service.gov.uk/Notice/" + id
		}
		s.Publisher = "Find a Tender"
	} else {
		var docs []document
		docs = append(docs, a.Documents...)
		if c != nil {
			docs = append(docs, c.Documents...)
		}
		if r.Tender != nil {
			docs = append(docs, r.Tender.Documents...)
		}
		docs = append(docs, r.Docs...)
		for _, d := range docs {
			if webURL(string(d.URL)) {
				s.URL = strings.TrimSpace(string(d.URL))
				break
			}
		}
		if s.URL == "" && webURL(meta.URI) {
			s.URL = strings.TrimSpace(meta.URI)
		}
	}
	if s.URL == "" || len(s.URL) > 2000 {
		return nil
	}
	return &s
}

func webURL(s string) bool {
	s = strings.TrimSpace(s)
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && len(s) > len("https://") && !strings.ContainsAny(s, " \t\n")
}

// organisation finds the organisation a party is — by ODS code, then
// Companies House number, then name — or creates it. A known organisation
// missing an identifier the party gives is completed.
func (im *ocdsImport) organisation(p *party, role jigsaw.OrgRole) (*jigsaw.Organisation, error) {
	pk := orgKeys(p)
	name, ods, coh, keys := pk.name, pk.ods, pk.coh, pk.keys
	if o := im.known(pk); o != nil {
		return o, nil
	}
	var o *jigsaw.Organisation
	var err error
	if ods != "" {
		o, err = im.it.OrganisationByODSCode(ods)
	}
	if o == nil && err == nil && coh != "" {
		o, err = im.it.OrganisationByCompanyNumber(coh)
	}
	if o == nil && err == nil {
		o, err = im.it.OrganisationByName(name)
		// A namesake with a different number is another company.
		if o != nil && coh != "" && o.CompanyNumber != "" && o.CompanyNumber != coh {
			o = nil
		}
	}
	if err != nil {
		return nil, err
	}
	if o == nil {
		o = &jigsaw.Organisation{Name: name, Kind: guessKind(name, role, ods, coh), ODSCode: ods, CompanyNumber: coh}
		if err := im.it.CreateOrganisation(o); err != nil {
			return nil, im.src.storeError(err, im.at, fmt.Sprintf("organisation %q", name))
		}
		im.counts.OrgsCreated++
	} else if (o.ODSCode == "" && ods != "") || (o.CompanyNumber == "" && coh != "") {
		if o.ODSCode == "" {
			o.ODSCode = ods
		}
		if o.CompanyNumber == "" {
			o.CompanyNumber = coh
		}
		if err := im.it.UpdateOrganisation(o); err != nil {
			return nil, im.src.storeError(err, im.at, fmt.Sprintf("organisation %q", name))
		}
		im.counts.OrgsUpdated++
	}
	for _, k := range keys {
		im.orgs[k] = o
	}
	return o, nil
}

var (
	odsIDRE     = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)
	companyIDRE = regexp.MustCompile(`^(?:[0-9]{1,8}|[A-Z]{2}[0-9]{6})$`)
)

// partyKeys is how a party is recognised: its name, ODS code and company
// number, and the keys of ocdsImport.orgs they make.
type partyKeys struct {
	name, ods, coh string
	keys           []string
}

func orgKeys(p *party) partyKeys {
	k := partyKeys{name: truncate(cleanName(string(p.Name)), 300)}
	k.ods, k.coh = identifiers(p)
	if k.ods != "" {
		k.keys = append(k.keys, "ods:"+k.ods)
	}
	if k.coh != "" {
		k.keys = append(k.keys, "coh:"+k.coh)
	}
	k.keys = append(k.keys, "name:"+strings.ToLower(k.name))
	return k
}

// known is the organisation this import already took for the party, or nil.
func (im *ocdsImport) known(k partyKeys) *jigsaw.Organisation {
	for _, key := range k.keys {
		if o := im.orgs[key]; o != nil {
			return o
		}
	}
	return nil
}

// identifiers returns the party's NHS ODS code and Companies House number,
// from its identifier and additional identifiers, when they look valid.
func identifiers(p *party) (ods, coh string) {
	ids := append([]identifier{}, p.Additional...)
	if p.Identifier != nil {
		ids = append([]identifier{*p.Identifier}, ids...)
	}
	for _, id := range ids {
		v := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(string(id.ID)), " ", ""))
		switch strings.ToUpper(strings.TrimSpace(string(id.Scheme))) {
		case "GB-COH":
			v = strings.TrimSuffix(v, ".0") // numbers that went through a spreadsheet
			if coh == "" && companyIDRE.MatchString(v) {
				if v[0] >= '0' && v[0] <= '9' {
					v = strings.Repeat("0", 8-len(v)) + v
				}
				coh = v
			}
		case "GB-NHS", "GB-ODS", "GB-NHSODS":
			if ods == "" && odsIDRE.MatchString(v) {
				ods = v
			}
		}
	}
	return ods, coh
}

// guessKind is a starting kind for a new organisation, which an editor can
// correct.
func guessKind(name string, role jigsaw.OrgRole, ods, coh string) jigsaw.OrgKind {
	l := strings.ToLower(name)
	switch {
	case strings.Contains(l, "foundation trust"):
		return jigsaw.OrgFoundationTrust
	case strings.Contains(l, "nhs trust") || strings.Contains(l, "health and care trust"):
		return jigsaw.OrgNHSTrust
	case strings.Contains(l, "integrated care board"):
		return jigsaw.OrgICB
	case strings.Contains(l, "clinical commissioning group"):
		return jigsaw.OrgCCG
	case strings.Contains(l, "council"):
		return jigsaw.OrgCouncil
	case coh != "" || role == jigsaw.RoleSupplier:
		return jigsaw.OrgCompany
	case ods != "" || nhsNameRE.MatchString(name):
		return jigsaw.OrgNationalBody
	}
	return jigsaw.OrgGovernment
}

var spacedLettersRE = regexp.MustCompile(`\b(?:[A-Z] ){1,}[A-Z]\b`)

// cleanName undoes what publishing did to a name: HTML entities
// ("Guy&#039;s"), letters spaced out ("N H S"), runs of white space.
func cleanName(s string) string {
	s = html.UnescapeString(html.UnescapeString(s))
	s = spacedLettersRE.ReplaceAllStringFunc(s, func(m string) string { return strings.ReplaceAll(m, " ", "") })
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// text cleans a title or description.
func text(s flexString) string {
	t := html.UnescapeString(html.UnescapeString(string(s)))
	return strings.TrimSpace(t)
}

func summary(a *award, c *contract, r *release, valueNote string) string {
	var parts []string
	for _, d := range []flexString{a.Description, contractDescription(c), tenderDescription(r)} {
		t := text(d)
		if t != "" && !strings.HasPrefix(strings.ToLower(t), "see description of related") {
			parts = append(parts, t)
			break
		}
	}
	if valueNote != "" {
		parts = append(parts, valueNote)
	}
	return strings.Join(parts, "\n\n")
}

// district is the postcode district of the buyer's address, when it has
// one.
func district(p *party) string {
	if p == nil || p.Address == nil {
		return ""
	}
	return postcodeDistrict(string(p.Address.PostalCode))
}

// postcodeDistrict is the district of a full postcode ("CH2" of "CH2 1UL"),
// or "" when pc is not one.
func postcodeDistrict(pc string) string {
	pc = strings.ToUpper(strings.ReplaceAll(pc, " ", ""))
	if len(pc) < 5 || len(pc) > 7 {
		return ""
	}
	d := pc[:len(pc)-3]
	if !jigsaw.ValidDistrict(d) {
		return ""
	}
	return d
}

func partyName(p *party) flexString {
	if p == nil {
		return ""
	}
	return p.Name
}

func contractValue(c *contract) *value {
	if c == nil {
		return nil
	}
	return c.Value
}

func contractPeriod(c *contract) *period {
	if c == nil {
		return nil
	}
	return c.Period
}

func contractTitle(c *contract) flexString {
	if c == nil {
		return ""
	}
	return c.Title
}

func contractDescription(c *contract) flexString {
	if c == nil {
		return ""
	}
	return c.Description
}

func tenderPeriod(r *release) *period {
	if r.Tender == nil {
		return nil
	}
	return r.Tender.ContractPeriod
}

func tenderTitle(r *release) flexString {
	if r.Tender == nil {
		return ""
	}
	return r.Tender.Title
}

func tenderDescription(r *release) flexString {
	if r.Tender == nil {
		return ""
	}
	return r.Tender.Description
}

func periodStart(p *period) string {
	if p == nil {
		return ""
	}
	return day(p.StartDate)
}

func periodEnd(p *period) string {
	if p == nil {
		return ""
	}
	return day(p.EndDate)
}

func dateDay(rfc string) string {
	if len(rfc) < 10 {
		return ""
	}
	return rfc[:10]
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
