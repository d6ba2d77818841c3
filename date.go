package jigsaw

import (
	"regexp"
	"strings"
	"time"
)

// Dates of dangers and disputes are calendar days kept as text: "2025-09-16".
// What is known only to the month or the year ("2006-05", "2010") may be
// kept so where a field allows it. Text of this shape sorts by time, in Go
// and in SQL alike.

// CheckDate reports a problem with s under field: it must be empty or a
// real day as YYYY-MM-DD, or, when partial is true, also YYYY-MM or YYYY.
func CheckDate(p Problems, field, label, s string, partial bool) {
	if s == "" || validDate(s, partial) {
		return
	}
	if partial {
		p.Add(field, label+" must be a date as YYYY-MM-DD, or YYYY-MM or YYYY when the day is not known.")
	} else {
		p.Add(field, label+" must be a date as YYYY-MM-DD.")
	}
}

var dayFirstRE = regexp.MustCompile(`^(?:([0-9]{1,2})/)?([0-9]{1,2})/([0-9]{4})$`)

// NormalizeDate turns a date written day first, as people in Britain write
// it, into the form dates are kept in: "24/11/2025" and "24/11/2025 " become
// "2025-11-24", "1/4/2023" becomes "2023-04-01", and "11/2025" (a month)
// becomes "2025-11". Anything else comes back trimmed but otherwise as it
// was, for CheckDate to judge; so does a day that does not exist, written
// in the kept form ("31/02/2025" becomes "2025-02-31"), which CheckDate
// refuses.
func NormalizeDate(s string) string {
	s = strings.TrimSpace(s)
	m := dayFirstRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	pad := func(n string) string {
		if len(n) == 1 {
			return "0" + n
		}
		return n
	}
	if m[1] == "" {
		return m[3] + "-" + pad(m[2])
	}
	return m[3] + "-" + pad(m[2]) + "-" + pad(m[1])
}

func validDate(s string, partial bool) bool {
	layouts := []string{"2006-01-02"}
	if partial {
		layouts = append(layouts, "2006-01", "2006")
	}
	for _, l := range layouts {
		if len(s) == len(l) {
			if t, err := time.Parse(l, s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
				return true
			}
		}
	}
	return false
}

// DateBefore reports whether the day or period a ends before b can begin:
// "2025-03-01" is before "2025-03-02", and "2025-02" is before "2025-03-01",
// but "2025-03" is not before "2025-03-10". Both must be valid dates.
func DateBefore(a, b string) bool {
	return lastDay(a) < firstDay(b)
}

func firstDay(s string) string {
	switch len(s) {
	case 4:
		return s + "-01-01"
	case 7:
		return s + "-01"
	}
	return s
}

func lastDay(s string) string {
	switch len(s) {
	case 4:
		return s + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return s
		}
		return t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return s
}

// DaysBetween counts the days from a to b inclusive, for full dates; 0 if
// either is not a full date or b is before a.
func DaysBetween(a, b string) int {
	ta, err1 := time.Parse("2006-01-02", a)
	tb, err2 := time.Parse("2006-01-02", b)
	if err1 != nil || err2 != nil || tb.Before(ta) {
		return 0
	}
	return int(tb.Sub(ta).Hours()/24) + 1
}

var districtRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]?$`)

// NormalizeDistrict upper-cases and trims a postcode district.
func NormalizeDistrict(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidDistrict reports whether s is a postcode district such as "BD20" or
// "SW1A", in upper case as NormalizeDistrict leaves it.
func ValidDistrict(s string) bool { return districtRE.MatchString(s) }
