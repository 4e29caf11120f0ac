// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "settings/settingspecs.h"

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

} // namespace mm
