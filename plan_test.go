package jigsaw

import "testing"

func TestParseOffset(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		bad  bool
	}{
		{in: "-90", want: -90},
		{in: "+14", want: 14},
		{in: "0", want: 0},
		{in: "90 days before", want: -90},
		{in: "1 day after", want: 1},
		{in: "2 weeks before", want: -14},
		{in: " 90  Days Before ", want: -90},
		{in: "2029-02-02", want: -90},
		{in: "2/2/2029", want: -90},
		{in: "2029-06-02", want: 30},
		{in: "-1.5", bad: true},
		{in: "1,5 days before", bad: true},
		{in: "-90 days before", bad: true},
		{in: "soon", bad: true},
		{in: "", bad: true},
		{in: "99999", bad: true},
		{in: "2029-02-30", bad: true},
	} {
		got, err := ParseOffset(tt.in, "2029-05-03")
		if tt.bad {
			if ErrorCode(err) != EINVALID {
				t.Errorf("ParseOffset(%q) = %d, %v; want EINVALID", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseOffset(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestPlanDayAtAcrossClockChanges(t *testing.T) {
	p := &Plan{AnchorDate: "2029-04-05"}
	// The clocks go forward on 25 March 2029 and back on 28 October.
	for off, want := range map[int]string{-12: "2029-03-24", -11: "2029-03-25", -10: "2029-03-26", 206: "2029-10-28", 207: "2029-10-29"} {
		if got := p.DayAt(off); got != want {
			t.Errorf("DayAt(%d) = %s, want %s", off, got, want)
		}
	}
}
