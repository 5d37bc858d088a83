#!/usr/bin/env python3
# png_pattern.py FILE WIDTH HEIGHT BANDS: decodes an 8-bit RGB PNG (zlib and struct only,
# every PNG filter type) and checks it is WIDTH x HEIGHT and shows the pattern
# t_console_video.sh draws: BANDS horizontal bands, in band b the pixel at column x has
# blue 10 + 60 * (x % 4), green 5 + 30 * b, red 255 - 30 * b.  Prints the first
# mismatching pixel and exits 1, or prints "match" and exits 0.
import struct
import sys
import zlib


def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            if depth != 8 or ctype != 2:
                sys.exit('not 8-bit RGB: depth %d colour type %d' % (depth, ctype))
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * 3, [], bytearray(w * 3)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows


def main():
    path, want_w, want_h, bands = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    w, h, rows = decode(path)
    if (w, h) != (want_w, want_h):
        print('size %dx%d, expected %dx%d' % (w, h, want_w, want_h))
        return 1
    for y in range(h):
        b = y * bands // h
        for x in range(w):
            want = (255 - 30 * b, 5 + 30 * b, 10 + 60 * (x % 4))
            got = tuple(rows[y][x * 3:x * 3 + 3])
            if got != want:
                print('pixel %d,%d is rgb%s, expected rgb%s' % (x, y, got, want))
                return 1
    print('match')
    return 0


sys.exit(main())
