// SPDX-License-Identifier: GPL-3.0-or-later
// The replay, forwarding, import and HAR options of the command line, kept apart from
// the receiver's so each part of options.cpp stays readable.
#pragma once

#include "options.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

namespace mm {

class ReplayCommandLine final
{
public:
    ReplayCommandLine();
    void addTo(QCommandLineParser &parser) const;
    // Fills o.replay and, for --replay-to, --import and --export-har, o.mode. Returns false
    // with a sentence in error when the options are wrong or clash.
    bool read(const QCommandLineParser &parser, const ArgvSecrets &secrets, AppOptions &o,
              QString *error) const;

private:
    QCommandLineOption m_replayTo;
    QCommandLineOption m_migration;
    QCommandLineOption m_type;
    QCommandLineOption m_since;
    QCommandLineOption m_resignSecret;
    QCommandLineOption m_newIds;
    QCommandLineOption m_concurrency;
    QCommandLineOption m_rate;
    QCommandLineOption m_retries;
    QCommandLineOption m_retryOn;
    QCommandLineOption m_forwardTo;
    QCommandLineOption m_forwardSecret;
    QCommandLineOption m_import;
    QCommandLineOption m_exportHar;
};

// Checks a URL given for --replay-to or --forward-to: absolute, http or https.
bool checkTargetUrl(const QString &option, const QString &text, QString *error);

} // namespace mm
