// SPDX-License-Identifier: GPL-3.0-or-later
// Re-binds the running receiver to new settings; when they cannot be bound, back to the
// previous ones, so a typo in Settings never leaves the app deaf.
#pragma once

#include "options.h"

#include <QObject>

namespace mm {

class ReceiverHost;
class StoreWriter;

class ReceiverController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReceiverController)

public:
    // current: what receiver was started with (or tried to be).
    ReceiverController(ReceiverHost *receiver, StoreWriter *store, const AppOptions &current,
                       QObject *parent = nullptr);

    // The settings in use: the last that were bound, else the first given.
    const AppOptions &current() const { return m_current; }
    // Changes the secrets without re-binding; false when they cannot be parsed.
    bool setSecrets(const QStringList &texts);
    // Restarts the receiver with next. On failure it listens with the previous settings again
    // (on the port it had, even one the system chose) and returns what went wrong.
    QString rebind(const AppOptions &next);
    // Whether next needs a re-bind: its receiver settings differ, or nothing is listening.
    bool needsRebind(const AppOptions &next) const;

private:
    ReceiverHost *m_receiver;
    StoreWriter *m_store;
    AppOptions m_current;
};

} // namespace mm
