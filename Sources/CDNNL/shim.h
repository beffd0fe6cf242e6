// oneDNN (Debian: libdnnl-dev). The C API: sgemm and the convolution primitives.
#include <dnnl.h>
#include <dnnl_version.h>
