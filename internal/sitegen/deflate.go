package sitegen

import "encoding/binary"

// A deflate encoder (RFC 1951) for the page parts compressed per request:
// greedy LZ77 with a 4-byte hash and one block with the fixed Huffman
// codes. compress/flate at BestSpeed spends most of its time on small
// inputs building dynamic Huffman tables; with fixed codes the parts come
// out some 30% larger (a page about 6% larger on the wire) for a fraction
// of the CPU. The output ends with a sync flush (an empty stored block),
// so that pre-compressed parts can follow it; it is never final.

const (
	lzHashBits = 12
	lzWindow   = 32768
	lzMinMatch = 4
	lzMaxMatch = 258
)

// huffCode is a code with its bits reversed, ready for bitWriter.
type huffCode struct {
	code uint16
	len  uint8
}

func reverse(code uint16, n uint8) uint16 {
	var r uint16
	for range n {
		r = r<<1 | code&1
		code >>= 1
	}
	return r
}

// fixedLit are the fixed literal/length codes, fixedDist the distance
// codes (RFC 1951 3.2.6).
var fixedLit, fixedDist = func() (lit [288]huffCode, dist [30]huffCode) {
	for i := range lit {
		var code uint16
		var n uint8
		switch {
		case i < 144:
			code, n = uint16(0x30+i), 8
		case i < 256:
			code, n = uint16(0x190+i-144), 9
		case i < 280:
			code, n = uint16(i-256), 7
		default:
			code, n = uint16(0xc0+i-280), 8
		}
		lit[i] = huffCode{reverse(code, n), n}
	}
	for i := range dist {
		dist[i] = huffCode{reverse(uint16(i), 5), 5}
	}
	return
}()

// lengthBase and distBase are the first length and distance of each
// code; lengthExtra and distExtra their extra bits.
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// lengthCode maps a match length (3..258) to its code index.
var lengthCode = func() (t [259]uint8) {
	for c := range lengthBase {
		end := len(t)
		if c+1 < len(lengthBase) {
			end = int(lengthBase[c+1])
		}
		for l := int(lengthBase[c]); l < end; l++ {
			t[l] = uint8(c)
		}
	}
	return
}()

// distCodes maps distance-1 to its code: directly below 256, by
// (distance-1)>>7 above (as zlib does).
var distCodes = func() (t [512]uint8) {
	c := 0
	for d := uint32(1); d <= 256; d++ {
		for c+1 < len(distBase) && distBase[c+1] <= d {
			c++
		}
		t[d-1] = uint8(c)
	}
	c = 0
	for k := 2; k < 256; k++ { // distances (k<<7)+1 ... ((k+1)<<7)
		d := uint32(k<<7) + 1
		for c+1 < len(distBase) && distBase[c+1] <= d {
			c++
		}
		t[256+k] = uint8(c)
	}
	return
}()

func distCode(d uint32) int {
	if d <= 256 {
		return int(distCodes[d-1])
	}
	return int(distCodes[256+((d-1)>>7)])
}

// deflateFixed appends to dst the deflate encoding of src as one fixed-
// Huffman block followed by a sync flush. table is scratch space for the
// match finder.
func deflateFixed(dst, src []byte, table *[1 << lzHashBits]int32) []byte {
	clear(table[:])
	// The bit buffer lives in locals: this loop is the hot path of a
	// gzipped response.
	out, bits, nb := dst, uint64(0), uint(0)
	put := func(v uint64, n uint) {
		bits |= v << nb
		nb += n
		if nb >= 32 {
			out = binary.LittleEndian.AppendUint32(out, uint32(bits))
			bits >>= 32
			nb -= 32
		}
	}
	put(1<<1, 3) // not final; fixed Huffman codes
	i, n := 0, len(src)
	for i+lzMinMatch <= n {
		v := binary.LittleEndian.Uint32(src[i:])
		h := (v * 0x1e35a7bd) >> (32 - lzHashBits)
		cand := int(table[h]) - 1
		table[h] = int32(i + 1)
		if cand < 0 || i-cand > lzWindow || binary.LittleEndian.Uint32(src[cand:]) != v {
			c := fixedLit[src[i]]
			put(uint64(c.code), uint(c.len))
			i++
			continue
		}
		l := lzMinMatch
		for l < lzMaxMatch && i+l < n && src[cand+l] == src[i+l] {
			l++
		}
		lc := lengthCode[l]
		c := fixedLit[257+int(lc)]
		put(uint64(c.code)|uint64(l-int(lengthBase[lc]))<<c.len, uint(c.len)+uint(lengthExtra[lc]))
		d := uint32(i - cand)
		dc := distCode(d)
		put(uint64(fixedDist[dc].code)|uint64(d-distBase[dc])<<5, 5+uint(distExtra[dc]))
		// Remember a position inside the match too: cheap, and it finds
		// the next repeat of long runs.
		if j := i + l - 2; l > 4 && j+lzMinMatch <= n {
			table[(binary.LittleEndian.Uint32(src[j:])*0x1e35a7bd)>>(32-lzHashBits)] = int32(j + 1)
		}
		i += l
	}
	for ; i < n; i++ {
		c := fixedLit[src[i]]
		put(uint64(c.code), uint(c.len))
	}
	eob := fixedLit[256]
	put(uint64(eob.code), uint(eob.len))
	// Sync flush: an empty stored block, its length fields byte aligned.
	put(0, 3)
	for nb > 0 {
		out = append(out, byte(bits))
		bits >>= 8
		nb -= min(nb, 8)
	}
	return append(out, 0, 0, 0xff, 0xff)
}
