// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the tests that run the real window on a private X server.
#pragma once

#include <QByteArray>
#include <QString>
#include <initializer_list>

class QProcess;

namespace mm::test {

// The tools (looked up on PATH) that are missing, as one sentence; empty when all are there.
QByteArray missingTools(std::initializer_list<const char *> tools);

// Starts Xvfb in `process` (its environment is left as the caller set it) on a display it
// picks itself (-displayfd) and returns ":N" once the server is ready, or an empty string.
QString startXvfb(QProcess &process, int width, int height);

} // namespace mm::test
