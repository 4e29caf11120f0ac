// SPDX-License-Identifier: GPL-3.0-or-later
#include "guiforwarding.h"

#include "forwarding/forwardingview.h"
#include "replay/forwarder.h"

#include <QUrl>

namespace mm {

GuiForwarding::GuiForwarding(Services *services, QObject *parent)
    : QObject(parent)
    , m_services(services)
{
    connect(services, &Services::forwarderChanged, this, &GuiForwarding::watch);
}

void GuiForwarding::attach(ForwardingView *view)
{
    m_view = view;
    view->setModel(&m_log);
    connect(view, &ForwardingView::retryRequested, this, [this] {
        if (Forwarder *forwarder = m_services->forwarder())
            forwarder->retryNow();
    });
    showState();
}

void GuiForwarding::watch(Forwarder *forwarder)
{
    if (!forwarder) {
        if (m_view)
            m_view->setProblem(QString());
        return;
    }
    connect(forwarder, &Forwarder::entryUpdated, &m_log, &ForwardLogModel::update);
    connect(forwarder, &Forwarder::recentLoaded, &m_log, &ForwardLogModel::setEntries);
    connect(forwarder, &Forwarder::problem, this, [this](const QString &message) {
        if (m_view)
            m_view->setProblem(tr("Forwarding cannot use the store: %1").arg(message));
    });
    // A delivery given up because its endpoint secret is gone: said once, above the log.
    connect(forwarder, &Forwarder::notice, this, [this](const QString &message) {
        if (m_view)
            m_view->setProblem(message);
    });
}

void GuiForwarding::apply(const ForwardChoice &choice)
{
    const bool wasForwarding = isForwarding();
    m_services->applyForwarding(choice);
    if (!wasForwarding && isForwarding())
        m_services->forwarder()->loadRecent(ForwardLogModel::MaxRows);
    showState();
}

void GuiForwarding::showState()
{
    if (!m_view)
        return;
    if (!isForwarding()) {
        m_view->setState(QString());
        return;
    }
    const ForwardChoice &choice = m_services->forwarding();
    const QString target = QUrl(choice.target).toString(QUrl::RemoveUserInfo);
    const QString headers = choice.secret
        ? tr("signed afresh with the secret ending %1").arg(choice.secret->hint())
        : tr("with their own ids, signed afresh with the endpoint secret that verified each");
    m_view->setState(
        choice.fromCommandLine
            ? tr("Forwarding every new delivery to %1, %2 (--forward-to, for this run).").arg(target, headers)
            : tr("Forwarding every new delivery to %1, %2.").arg(target, headers));
}

} // namespace mm
