// SPDX-License-Identifier: GPL-3.0-or-later
#include "receivercontroller.h"

#include "receiver/receiverhost.h"

namespace mm {

ReceiverController::ReceiverController(ReceiverHost *receiver, StoreWriter *store, const AppOptions &current,
                                       QObject *parent)
    : QObject(parent)
    , m_receiver(receiver)
    , m_store(store)
    , m_current(current)
{
}

bool ReceiverController::needsRebind(const AppOptions &next) const
{
    const AppOptions &a = next;
    const AppOptions &b = m_current;
    return a.address != b.address || a.port != b.port || a.path != b.path || a.tlsCert != b.tlsCert
        || a.tlsKey != b.tlsKey || a.toleranceSeconds != b.toleranceSeconds || !m_receiver->isRunning();
}

bool ReceiverController::setSecrets(const QStringList &texts)
{
    const auto secrets = parseSecretList(texts);
    if (!secrets)
        return false;
    m_receiver->setSecrets(*secrets);
    m_current.secretTexts = texts;
    return true;
}

QString ReceiverController::rebind(const AppOptions &next)
{
    QString error;
    const auto config = receiverConfig(next, &error);
    const QString still = m_receiver->isRunning()
        ? tr("Still listening on %1 with the previous settings.").arg(m_receiver->url().toString())
        : QString();
    if (!config)
        return tr("The new receiver settings cannot be used: %1 %2").arg(error, still);
    // Back to the port it had, even one the system chose for port 0.
    AppOptions previous = m_current;
    if (m_receiver->isRunning())
        previous.port = quint16(m_receiver->url().port());
    m_receiver->stop();
    if (m_receiver->start(*config, m_store, &error)) {
        m_current = next;
        return {};
    }
    const QString failed = tr("Could not listen with the new settings: %1").arg(error);
    QString restoreError;
    const auto restore = receiverConfig(previous, &restoreError);
    if (restore && m_receiver->start(*restore, m_store, &restoreError))
        return failed + u' '
            + tr("Still listening on %1 with the previous settings.").arg(m_receiver->url().toString());
    return failed + u' '
        + tr("The previous settings could not be restored either (%1), so nothing is being received. "
             "Choose other settings in File → Settings….")
              .arg(restoreError);
}

} // namespace mm
