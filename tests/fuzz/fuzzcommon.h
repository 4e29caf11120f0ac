// SPDX-License-Identifier: GPL-3.0-or-later
// What every fuzz target shares: a quiet Qt, a QCoreApplication for targets that need an
// event loop, and a check that aborts (so libFuzzer saves the input) when an invariant breaks.
#pragma once

#include <QCoreApplication>
#include <QtGlobal>
#include <cstdio>
#include <cstdlib>

namespace mm::fuzz {

// Warnings are expected on hostile input; printing them would only slow the fuzzer down.
inline void quietMessages()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &message) {
        if (type == QtFatalMsg) {
            std::fprintf(stderr, "qFatal: %s\n", qPrintable(message));
            std::abort();
        }
    });
}

// A QCoreApplication for the whole run (QObject timers, deleteLater, queued calls).
inline void ensureApplication()
{
    static int argc = 1;
    static char name[] = "fuzz";
    static char *argv[] = {name, nullptr};
    if (!QCoreApplication::instance())
        new QCoreApplication(argc, argv); // lives until the process ends
}

} // namespace mm::fuzz

// Aborts with the broken invariant; libFuzzer then writes the input as a crash artifact.
#define MM_FUZZ_CHECK(condition)                                                                             \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition);           \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)
