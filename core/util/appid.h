// SPDX-License-Identifier: GPL-3.0-or-later
// The application's desktop id: the .desktop, metainfo and icon names, the notifications'
// desktop-entry hint and the autostart entry. packaging/CMakeLists.txt reads it from here.
#pragma once

namespace mm {

inline constexpr char AppId[] = "io.github.anon.MigrationMonitor";

} // namespace mm
