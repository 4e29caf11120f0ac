// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "settings/settingspecs.h"

#include <QCoreApplication>

namespace mm {

ResolvedConfig resolveConfig(const SettingsValues &saved, const AppOptions &commandLine)
{
    ResolvedConfig r;
    r.settings = saved;
    auto fromCommandLine = [&r, &commandLine](const SettingSpec &spec) {
        spec.set(r.settings, spec.get(commandLine.settings));
        r.fromCommandLine.append(QString(spec.name));
    };
    for (const SettingSpec &spec : settingSpecs()) {
        switch (spec.merge) {
        case SettingSpec::Merge::CommandLine:
            if (commandLine.given.contains(spec.name))
                fromCommandLine(spec);
            break;
        case SettingSpec::Merge::CommandLinePair: // both halves, or neither
            if (commandLine.given.contains(spec.name) || commandLine.given.contains(spec.pair))
                fromCommandLine(spec);
            break;
        case SettingSpec::Merge::SavedOnly:
            break;
        }
    }
    if (!commandLine.secretTexts.isEmpty()) {
        r.settings.secrets = commandLine.secretTexts;
        r.fromCommandLine.append(QStringLiteral("secrets"));
    }
    r.options = commandLine;
    r.options.settings = r.settings;
    r.options.secretTexts = r.settings.secrets;
    commandLineFields(r.options, true);
    return r;
}

SessionConfig demoSession(const AppOptions &commandLine, const QString &folder, const QString &secret)
{
    SessionConfig session;
    session.privateFolder = folder;
    AppOptions &o = session.commandLine;
    o = commandLine;
    o.settings.listenAddress = QStringLiteral("127.0.0.1");
    o.settings.port = 0;
    o.settings.storeFolder = folder;
    // The demo's store is always the throw-away folder, whatever --store or the environment say.
    o.settings.storeUrl.clear();
    o.given.removeAll(QStringLiteral("storeUrl"));
    o.store.reset();
    o.storePassword.clear();
    o.secretTexts = {secret};
    // Fixed for the run: the receiver's and the store's settings.
    for (const char *name : {"listenAddress", "port", "path", "tlsCert", "tlsKey", "toleranceSeconds",
                             "storeFolder", "retentionDays", "retentionMaxMb", "durability"}) {
        if (!o.given.contains(QLatin1String(name)))
            o.given.append(QLatin1String(name));
    }
    commandLineFields(o);
    // A few migrations a minute, each running for minutes of real time, with what Svix does:
    // out-of-order arrivals, retries, duplicates, an occasional wrong secret, pings.
    sim::SimOptions traffic;
    traffic.continuous = true;
    traffic.pacing.enabled = true;
    traffic.rate = 2.0;
    traffic.concurrency = 2;
    traffic.outOfOrder = true;
    traffic.duplicates = 0.1;
    traffic.wrongSecret = 0.03;
    traffic.pings = 1;
    traffic.retryScale = 0.01;
    session.demoTraffic = traffic;
    session.note = QCoreApplication::translate(
                       "mm::GuiSession",
                       "This is the demo: the quiet thresholds apply to this window; nothing is saved and "
                       "the demo's receiver keeps its settings.")
        + (commandLine.replay.forwardTarget.isEmpty() ? QString()
                                                      : u' '
                   + QCoreApplication::translate("mm::GuiSession",
                                                 "--forward-to sets forwarding for this run."));
    return session;
}

} // namespace mm
