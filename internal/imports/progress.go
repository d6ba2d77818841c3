package imports

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Progress draws a one-line progress bar on a terminal while a file imports:
// records, bytes, rate and time left. It draws nothing when w is not a
// terminal, so logs and pipes get only the summary.
type Progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	every time.Duration
}

// NewProgress returns a Progress drawing on w when w is a terminal.
func NewProgress(w io.Writer) *Progress {
	f, ok := w.(*os.File)
	on := false
	if ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &Progress{w: w, on: on, every: 200 * time.Millisecond}
}

// Update redraws the bar for src after read records, at most five times a
// second.
func (p *Progress) Update(src *Source, read int) {
	if p == nil || !p.on {
		return
	}
	now := time.Now()
	if p.start.IsZero() {
		p.start = now
	}
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r\033[K%s", progressLine(src.Name, read, src.BytesRead(), src.Size, now.Sub(p.start)))
}

// Done clears the bar.
func (p *Progress) Done() {
	if p != nil && p.on && !p.start.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// progressLine is "name [=====>    ] 45% 12,345 records 1.2 GB/2.6 GB 30 MB/s 0:45 left".
func progressLine(name string, read int, done, size int64, elapsed time.Duration) string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	line := name + " "
	if size > 0 {
		frac := float64(done) / float64(size)
		if frac > 1 {
			frac = 1
		}
		const width = 20
		bar := make([]byte, width)
		for i := range bar {
			switch {
			case float64(i) < frac*width-1:
				bar[i] = '='
			case float64(i) < frac*width:
				bar[i] = '>'
			default:
				bar[i] = ' '
			}
		}
		line += fmt.Sprintf("[%s] %3.0f%% ", bar, frac*100)
	}
	line += fmt.Sprintf("%d records %s", read, humanBytes(done))
	if size > 0 {
		line += "/" + humanBytes(size)
	}
	line += fmt.Sprintf(" %s/s", humanBytes(int64(rate)))
	if size > 0 && rate > 0 && done < size {
		left := time.Duration(float64(size-done) / rate * float64(time.Second)).Round(time.Second)
		line += fmt.Sprintf(" %s left", left)
	}
	return line
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
