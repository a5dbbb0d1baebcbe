package capture

import (
	"fmt"
	"image"
	"sort"
	"strings"
)

// display is one monitor as the platform reports it. bounds is in
// virtual-desktop coordinates: the origin is the primary display's top-left
// corner, so a monitor left of or above the primary has negative coordinates.
// The pixels a grab returns may be more or fewer than bounds has points (a
// Retina Mac, a scaled Windows monitor); scale is worked out per grab.
type display struct {
	index  int
	bounds image.Rectangle
}

// shot is one rectangle to grab: the part of a display that is looked at.
type shot struct {
	display display
	rect    image.Rectangle // virtual-desktop coordinates, inside display.bounds
}

// plan decides what to grab and in which order: every display (or, with a
// region, the part of each display the region covers), in screen order, left
// to right and then top to bottom. A display with the same bounds as one
// already planned is a mirror and is skipped: grabbing it again would only
// find the same codes twice.
func plan(displays []display, region *image.Rectangle) ([]shot, error) {
	ds := make([]display, 0, len(displays))
	for _, d := range displays {
		if d.bounds.Empty() {
			continue
		}
		mirror := false
		for _, e := range ds {
			if e.bounds == d.bounds {
				mirror = true
				break
			}
		}
		if !mirror {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%w: the system reports no active display", ErrNoDisplay)
	}
	sort.SliceStable(ds, func(i, j int) bool { return before(ds[i].bounds, ds[j].bounds) })

	var shots []shot
	for _, d := range ds {
		r := d.bounds
		if region != nil {
			r = region.Canon().Intersect(d.bounds)
			if r.Empty() {
				continue
			}
		}
		shots = append(shots, shot{display: d, rect: r})
	}
	if len(shots) == 0 {
		return nil, fmt.Errorf("%w: region %s is outside every display (%s)",
			ErrNoDisplay, describeRect(*region), describeDisplays(ds))
	}
	return shots, nil
}

// before orders displays left to right, then top to bottom, the way people
// point at monitors on a desk.
func before(a, b image.Rectangle) bool {
	if a.Min.X != b.Min.X {
		return a.Min.X < b.Min.X
	}
	return a.Min.Y < b.Min.Y
}

// toVirtual maps r, in the coordinates of an image grabbed from shot area
// (whose bounds are img), to virtual-desktop coordinates. The image may have
// more pixels than the area has points (HiDPI) or fewer; the result is
// widened to whole points so a highlight always covers the code, and clipped
// to the area.
func toVirtual(r, img, area image.Rectangle) image.Rectangle {
	if img.Dx() <= 0 || img.Dy() <= 0 {
		return image.Rectangle{}
	}
	floor := func(v, from, to int) int { return v * to / from }
	ceil := func(v, from, to int) int { return (v*to + from - 1) / from }
	r = r.Intersect(img)
	out := image.Rect(
		area.Min.X+floor(r.Min.X-img.Min.X, img.Dx(), area.Dx()),
		area.Min.Y+floor(r.Min.Y-img.Min.Y, img.Dy(), area.Dy()),
		area.Min.X+ceil(r.Max.X-img.Min.X, img.Dx(), area.Dx()),
		area.Min.Y+ceil(r.Max.Y-img.Min.Y, img.Dy(), area.Dy()),
	)
	return out.Intersect(area)
}

// distinct keeps the first of each payload, in place. found is in screen
// (or file) order, so a code seen on two overlapping or mirrored displays, or
// in two files, is reported where it is seen first.
func distinct[T any](found []T, text func(T) string) []T {
	seen := make(map[string]bool, len(found))
	out := found[:0]
	for _, f := range found {
		if seen[text(f)] {
			continue
		}
		seen[text(f)] = true
		out = append(out, f)
	}
	return out
}

// describeShots says what was looked at, for ErrNoQR: "on 3 displays,
// 7680×2160 px" (the size of the box around them all), or "in region ...".
func describeShots(shots []shot, region *image.Rectangle) string {
	if region != nil {
		return "in region " + describeRect(*region)
	}
	var box image.Rectangle
	for _, s := range shots {
		box = box.Union(s.rect)
	}
	n := "on 1 display"
	if len(shots) != 1 {
		n = fmt.Sprintf("on %d displays", len(shots))
	}
	return fmt.Sprintf("%s, %d×%d px", n, box.Dx(), box.Dy())
}

// describeRect writes r as "X,Y W×H", the form --region takes.
func describeRect(r image.Rectangle) string {
	r = r.Canon()
	return fmt.Sprintf("%d,%d %d×%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy())
}

func describeDisplays(ds []display) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = describeRect(d.bounds)
	}
	return "displays: " + strings.Join(parts, ", ")
}
