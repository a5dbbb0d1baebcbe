package transfer

import (
	"errors"
	"fmt"
	"sort"

	"github.com/deskauth/deskauth/vault"
)

// Batches collects the QR codes of Google Authenticator exports as they are
// scanned, one payload at a time, and hands over an export's accounts once
// every code of it has been seen. Codes of one export share a batch ID and
// each carries its index and the export's size. Scanning a code twice is
// harmless. A Batches is not safe for concurrent use.
type Batches struct {
	batches map[int64]*batch
	order   []int64
}

type batch struct {
	size  int
	parts map[int]vault.Migration
	taken bool
}

// BatchStatus says how far one export has been scanned: "2 of 3".
type BatchStatus struct {
	BatchID  int64
	Scanned  int // distinct codes seen
	Size     int
	Complete bool
}

// ErrBatchMismatch means a code claims a batch ID already seen with a
// different size: two exports with the same ID, or a damaged code.
var ErrBatchMismatch = errors.New("this QR code does not belong with the export being scanned")

// NewBatches returns an empty collector.
func NewBatches() *Batches { return &Batches{batches: map[int64]*batch{}} }

// Add records one otpauth-migration:// payload and reports its export's
// progress. Errors wrap vault.ErrInvalidMigration or ErrBatchMismatch.
func (b *Batches) Add(payload string) (BatchStatus, error) {
	m, err := parseMigration(payload)
	if err != nil {
		return BatchStatus{}, err
	}
	size := max(m.Size, 1)
	if m.Index < 0 || m.Index >= size {
		return BatchStatus{}, fmt.Errorf("%w: code %d of %d", ErrBatchMismatch, m.Index+1, size)
	}
	bt := b.batches[m.BatchID]
	if bt == nil {
		if len(b.batches) >= MaxEntries {
			return BatchStatus{}, ErrTooLarge
		}
		bt = &batch{size: size, parts: map[int]vault.Migration{}}
		b.batches[m.BatchID] = bt
		b.order = append(b.order, m.BatchID)
	} else if bt.size != size {
		return BatchStatus{}, fmt.Errorf("%w: it says %d codes, earlier ones said %d", ErrBatchMismatch, size, bt.size)
	}
	bt.parts[m.Index] = m
	return b.status(m.BatchID), nil
}

func (b *Batches) status(id int64) BatchStatus {
	bt := b.batches[id]
	return BatchStatus{BatchID: id, Scanned: len(bt.parts), Size: bt.size, Complete: len(bt.parts) == bt.size}
}

// Pending lists the exports still missing codes, in the order first seen.
func (b *Batches) Pending() []BatchStatus {
	var out []BatchStatus
	for _, id := range b.order {
		if s := b.status(id); !s.Complete {
			out = append(out, s)
		}
	}
	return out
}

// Take returns the accounts of every complete export not taken before, in
// code order, with one problem per account the export itself could not
// carry (an MD5 account, say). Each account has passed Validate.
func (b *Batches) Take() *Result {
	res := &Result{Format: Google}
	for _, id := range b.order {
		bt := b.batches[id]
		if bt.taken || len(bt.parts) != bt.size {
			continue
		}
		bt.taken = true
		idx := make([]int, 0, len(bt.parts))
		for i := range bt.parts {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			m := bt.parts[i]
			for _, a := range m.Accounts {
				res.add(i+1, a)
			}
			for _, s := range m.Skipped {
				res.problem(i+1, s.Label, s.Err)
			}
		}
	}
	return res
}
