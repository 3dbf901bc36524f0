/* Written by tests/gen/data_fixtures.py: the values in the fixtures of tests/data/. Do not edit. */
#include <math.h>
#include <stddef.h>

static const double ref_table[12] = {
    0x1.999999999999ap-4, -0x1.47ae147ae147bp-9, 0x1.7e43c8800759cp+996, 0x0.0000000000001p-1022,
    -0x0.0p+0, 0x1.8000000000000p+1, 0x1.fffffffffffffp+1023, -0x1.0000000000000p-1022,
    0x1.921fb54442d18p+1, 0x1.d6f3454000000p+26, -0x1.c000000000000p+2, 0x1.5555555555555p-2,
};

static const double ref_f8_2d[10] = {
    0x1.0000000000000p-2, 0x1.fdf3b645a1cacp-3, 0x1.0000000000000p-1, 0x1.48a17fda8d050p-1,
    0x1.8000000000000p-1, 0x1.08e30911d8cbap+0, 0x1.0000000000000p+0, 0x1.6d7552366b14cp+0,
    0x1.4000000000000p+0, 0x1.d2079b5afd5dfp+0,
};

static const double ref_f4_2d[12] = {
    0x0.0p+0, 0x1.aed5480000000p-1, 0x1.22f9a60000000p+3, 0x1.c395820000000p+3,
    -0x1.35fc7e0000000p-4, -0x1.eaf8200000000p-1, -0x1.65a6de0000000p+1, 0x1.06cb6e0000000p+6,
    0x1.953dbc0000000p-4, 0x1.a602640000000p-2, -0x1.5c2c6c0000000p+2, -0x1.8fff000000000p+6,
};

static const double ref_f8_1d[6] = {
    0x1.0000000000000p+0, 0x1.78b56362cef38p-2, 0x1.152aaa3bf81ccp-3, 0x1.97db0ccceb0afp-5,
    0x1.2c155b8213cf4p-6, 0x1.b993fe00d5376p-8,
};

static const size_t ref_train[8] = {7, 0, 11, 3, 5, 9, 1, 10};

static const size_t ref_test[4] = {2, 4, 6, 8};
