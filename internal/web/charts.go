package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"jigsaw"
	"jigsaw/internal/chart"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

// ChartStore counts what /charts shows.
type ChartStore interface {
	// ChartData counts published records as f selects (see chart.Data).
	ChartData(ctx context.Context, f chart.Filter) (*chart.Data, error)
}

// defaultMonths is how many months the monthly charts show when the
// request names no first month: the last two years with any data.
const defaultMonths = 24

// ChartsView is the view of /charts.
type ChartsView struct {
	Page
	Filter       chart.Filter
	Organisation *jigsaw.Organisation
	Query        url.Values
	KeyIssues    []jigsaw.KeyIssue
	Form         *Form
	// First and Last are the months of the monthly charts ("" when there
	// is nothing to show in them).
	First, Last chart.Month
	Dangers     DangerChart
	Disputes    DisputeChart
	Stories     StoryChart
	Contracts   ContractChart
}

// ChartPanel is one SVG of a chart, with the id of its caption.
type ChartPanel struct {
	ID, Title string
	SVG       template.HTML
}

// DangerChart is the dangers by kind and month: a small chart per kind
// (one colour, one scale for all) and a table of months by kinds.
type DangerChart struct {
	Panels []ChartPanel
	Kinds  []jigsaw.TrackerKind // the table's columns: kinds with any danger
	Rows   []DangerRow
	Total  int
}

// DangerRow is a month of the dangers' table.
type DangerRow struct {
	Month  chart.Month
	Counts []int // by Kinds
	Total  int
}

// DisputeChart is the disputes and strike days by month.
type DisputeChart struct {
	Disputes, StrikeDays template.HTML
	Rows                 []DisputeRow
	Any                  bool // whether any month has a dispute or a strike day
}

// DisputeRow is a month of the disputes' table.
type DisputeRow struct {
	Month                chart.Month
	Disputes, StrikeDays int
}

// StoryChart is the published stories by key issue, most first.
type StoryChart struct {
	SVG  template.HTML
	Rows []chart.IssueCount
}

// ContractChart is the value of contracts with private suppliers by year.
type ContractChart struct {
	SVG   template.HTML
	Rows  []chart.YearValue
	Total int64
}

// chartFilterLabels names the fields of the charts' filter form.
var chartFilterLabels = map[string]string{"from": "From", "to": "To", "issue": "Key issue", "district": "Postcode district"}

// HandleCharts serves /charts: four charts drawn here as SVG, each with a
// table of its figures, following the filters.
func (p *Pages) HandleCharts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Charts(ctx, p.Store, r.URL.Query())
	view := ChartsView{Page: p.page(r, tr(r).Sprintf("Charts")), Query: r.URL.Query(), KeyIssues: issues,
		Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, chartFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "charts", view)
		return
	}
	d, err := p.Store.ChartData(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Filter = f
	pr := tr(r)
	view.First, view.Last = chartMonths(f, d, time.Now().UTC())
	months := chart.Span(view.First, view.Last)
	view.Dangers = dangerChart(pr, d.Dangers, months)
	view.Disputes = disputeChart(pr, d.Disputes, months)
	view.Stories = storyChart(pr, d.Stories)
	view.Contracts = contractChart(pr, d.Contracts)
	p.Render(w, r, http.StatusOK, "charts", view)
}

// chartMonths chooses the months of the monthly charts: those asked for;
// else the last defaultMonths up to the month asked for, or up to the last
// month with any data (now's when there is none); and from a first month
// asked for, up to that last month, at most chart.MaxMonths.
func chartMonths(f chart.Filter, d *chart.Data, now time.Time) (first, last chart.Month) {
	if f.From != "" && f.To != "" {
		return chart.Month(f.From), chart.Month(f.To)
	}
	last = chart.Month(f.To)
	if last == "" {
		for _, m := range d.Dangers {
			last = max(last, chart.Month(m.Month))
		}
		for _, m := range d.Disputes {
			last = max(last, chart.Month(m.Month))
		}
		if last == "" {
			last = chart.MonthOf(now)
		}
	}
	if f.From == "" {
		return last.Add(1 - defaultMonths), last
	}
	first = chart.Month(f.From)
	return first, min(max(last, first), first.Add(chart.MaxMonths-1))
}

func monthBars(months []chart.Month, value func(chart.Month) int) []chart.Bar {
	bars := make([]chart.Bar, len(months))
	for i, m := range months {
		bars[i] = chart.Bar{Label: m.Label(), Tick: m.Short(), Value: int64(value(m))}
	}
	return bars
}

func dangerChart(pr *i18n.Printer, data []chart.DangerMonth, months []chart.Month) DangerChart {
	counts := map[chart.Month]map[jigsaw.TrackerKind]int{}
	var c DangerChart
	for _, m := range data {
		month := chart.Month(m.Month)
		if !slices.Contains(months, month) {
			continue
		}
		if counts[month] == nil {
			counts[month] = map[jigsaw.TrackerKind]int{}
		}
		counts[month][m.Kind] += m.Count
	}
	var top int
	for _, k := range jigsaw.TrackerKinds {
		seen := false
		for _, m := range months {
			seen = seen || counts[m][k.Value] > 0
			top = max(top, counts[m][k.Value])
		}
		if seen {
			c.Kinds = append(c.Kinds, k.Value)
		}
	}
	for _, k := range c.Kinds {
		id := "chart-dangers-" + string(k)
		title := pr.Text(jigsaw.LabelOf(jigsaw.TrackerKinds, k))
		c.Panels = append(c.Panels, ChartPanel{ID: id, Title: title, SVG: chart.Columns{
			LabelledBy: id, Max: int64(top), Class: chart.Blue, YLabel: pr.Sprintf("Dangers"), XLabel: pr.Sprintf("Month reported"),
			Bars: monthBars(months, func(m chart.Month) int { return counts[m][k] }),
		}.SVG()})
	}
	for _, m := range months {
		row := DangerRow{Month: m, Counts: make([]int, len(c.Kinds))}
		for i, k := range c.Kinds {
			row.Counts[i] = counts[m][k]
			row.Total += row.Counts[i]
		}
		c.Total += row.Total
		c.Rows = append(c.Rows, row)
	}
	return c
}

func disputeChart(pr *i18n.Printer, data []chart.DisputeMonth, months []chart.Month) DisputeChart {
	byMonth := map[chart.Month]chart.DisputeMonth{}
	for _, m := range data {
		byMonth[chart.Month(m.Month)] = m
	}
	var c DisputeChart
	for _, m := range months {
		row := DisputeRow{Month: m, Disputes: byMonth[m].Disputes, StrikeDays: byMonth[m].StrikeDays}
		c.Any = c.Any || row.Disputes > 0 || row.StrikeDays > 0
		c.Rows = append(c.Rows, row)
	}
	month := pr.Sprintf("Month")
	c.Disputes = chart.Columns{LabelledBy: "chart-disputes-count", Class: chart.Blue, YLabel: pr.Sprintf("Disputes"), XLabel: month,
		Bars: monthBars(months, func(m chart.Month) int { return byMonth[m].Disputes })}.SVG()
	c.StrikeDays = chart.Columns{LabelledBy: "chart-strike-days", Class: chart.Red, YLabel: pr.Sprintf("Strike days"), XLabel: month,
		Bars: monthBars(months, func(m chart.Month) int { return byMonth[m].StrikeDays })}.SVG()
	return c
}

func storyChart(pr *i18n.Printer, data []chart.IssueCount) StoryChart {
	rows := slices.Clone(data)
	// Most stories first; the site's order among equals.
	slices.SortStableFunc(rows, func(a, b chart.IssueCount) int { return b.Stories - a.Stories })
	bars := make([]chart.Bar, len(rows))
	for i, k := range rows {
		bars[i] = chart.Bar{Label: k.Name, Value: int64(k.Stories)}
	}
	return StoryChart{Rows: rows, SVG: chart.Rows{LabelledBy: "chart-stories", Class: chart.Blue, XLabel: pr.Sprintf("Published stories"),
		Bars: bars, Format: func(v int64) string { return jigsaw.FormatCount(v) }}.SVG()}
}

func contractChart(pr *i18n.Printer, data []chart.YearValue) ContractChart {
	c := ContractChart{Rows: data}
	bars := make([]chart.Bar, len(data))
	for i, y := range data {
		bars[i] = chart.Bar{Label: y.Year, Tick: y.Year, Value: y.Pence}
		c.Total += y.Pence
	}
	c.SVG = chart.Columns{LabelledBy: "chart-contracts", Class: chart.Green, YLabel: pr.Sprintf("Value"), XLabel: pr.Sprintf("Year"),
		Bars: bars, Format: chart.ShortPounds}.SVG()
	return c
}
