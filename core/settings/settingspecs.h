// SPDX-License-Identifier: GPL-3.0-or-later
// One declaration per saved setting: its QSettings key, its command-line option (if any), its
// default, the values it takes and how the command line meets the saved value. AppSettings
// reads and writes through it, the command line is parsed from it and the Settings dialog takes
// its bounds from it, so a new setting is one line here plus the places that use it.
#pragma once

#include <QLatin1String>
#include <QString>
#include <QVariant>
#include <optional>
#include <span>
#include <variant>

namespace mm {

struct SettingsValues;

struct SettingSpec
{
    enum class Kind {
        Text, // any text (trimmed)
        Address, // an IP address or "localhost"
        UrlPath, // a plain URL path: /…, no spaces, ? or #
        Integer, // a whole number from low to high
        Flag,
        StoreUrl, // a store (StoreLocation::parse), saved and shown without a password
        Durability, // "power" or "process" (store/durability.h)
    };
    enum class Merge {
        CommandLine, // the command line's value, when given, wins for this run
        CommandLinePair, // …together with the setting named by pair (TLS certificate and key)
        SavedOnly, // not on the command line
    };
    using Field = std::variant<QString SettingsValues::*, int SettingsValues::*, quint16 SettingsValues::*,
                               bool SettingsValues::*>;

    QLatin1String name; // the SettingsValues member's name, which identifies it
    QLatin1String key; // in QSettings; never change it, users have saved settings under it
    Field field;
    Kind kind = Kind::Text;
    QVariant fallback; // when not saved, or saved in a form that cannot be read
    int low = 0; // Integer only
    int high = 0;
    Merge merge = Merge::SavedOnly;
    // The command-line option (README and man page name it; never change it) and its --help
    // text. Settings sharing an option (--listen: address and port) are parsed together.
    QLatin1String option {};
    QLatin1String valueName {};
    QString (*help)() = nullptr;
    QLatin1String pair {}; // Merge::CommandLinePair: the other half

    // The setting's value in values, and setting it (converted to the field's type).
    QVariant get(const SettingsValues &values) const;
    void set(SettingsValues &values, const QVariant &value) const;
    // value read back from QSettings, or nullopt when it cannot be used (the fallback is then).
    std::optional<QVariant> accept(const QVariant &value) const;
};

// Every declared setting, in the order the command line's --help lists their options.
std::span<const SettingSpec> settingSpecs();
// The declared setting with this name (a programming error, and fatal, when there is none).
const SettingSpec &settingSpec(QLatin1String name);

// Whether text is a listen address the receiver takes: an IP address or "localhost".
bool isListenAddress(const QString &text);
// Whether path is a plain URL path: starts with /, no spaces, ? or #.
bool isPlainUrlPath(const QString &path);

} // namespace mm
