#pragma once
// Core-internal (torch): autocast state per device type across libtorch 1.13 (Debian 12) and 2.x
// (Debian 13, PyPI's CUDA wheel). libtorch 2.4 made these calls take the device type; the 1.13
// spellings are deprecated there and may go away.

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace synthembed::model::autocast {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
inline bool enabled(at::DeviceType t) {
    return at::autocast::is_autocast_enabled(t);
}
inline void setEnabled(at::DeviceType t, bool on) {
    at::autocast::set_autocast_enabled(t, on);
}
inline at::ScalarType dtype(at::DeviceType t) {
    return at::autocast::get_autocast_dtype(t);
}
inline void setDtype(at::DeviceType t, at::ScalarType d) {
    at::autocast::set_autocast_dtype(t, d);
}
#else
inline bool enabled(at::DeviceType t) {
    return t == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
inline void setEnabled(at::DeviceType t, bool on) {
    if (t == at::kCUDA)
        at::autocast::set_enabled(on);
    else
        at::autocast::set_cpu_enabled(on);
}
inline at::ScalarType dtype(at::DeviceType t) {
    return t == at::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
inline void setDtype(at::DeviceType t, at::ScalarType d) {
    if (t == at::kCUDA)
        at::autocast::set_autocast_gpu_dtype(d);
    else
        at::autocast::set_autocast_cpu_dtype(d);
}
#endif

} // namespace synthembed::model::autocast
