#ifndef WEFT_CZLIB_SHIM_H
#define WEFT_CZLIB_SHIM_H
#include <zlib.h>
#endif
