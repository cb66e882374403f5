// The switching core's part in debugging: the monitor's settings (monitor.h).
#include "core.h"

namespace tendril {

void Core::ConfigureMonitor(const Monitor::Settings& settings, std::string internal_prefix) {
  internal_prefix_ = std::move(internal_prefix);
  monitor_.Configure(settings, current_->id == kMainId);
  if (live_threads() > 0) monitor_.StartIfNeeded();
}

}  // namespace tendril
