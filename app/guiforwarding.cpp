// SPDX-License-Identifier: GPL-3.0-or-later
#include "guiforwarding.h"

#include "forwarding/forwardingview.h"
#include "replay/forwarder.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QUrl>

namespace mm {

GuiForwarding::GuiForwarding(Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

GuiForwarding::~GuiForwarding()
{
    if (m_forwarder)
        m_store->writer().setForwarding({});
    m_forwarder.reset();
}

void GuiForwarding::attach(ForwardingView *view)
{
    m_view = view;
    view->setModel(&m_log);
    connect(view, &ForwardingView::retryRequested, this, [this] {
        if (m_forwarder)
            m_forwarder->retryNow();
    });
    showState();
}

void GuiForwarding::apply(const ForwardChoice &choice)
{
    m_choice = choice;
    if (choice.target.isEmpty()) {
        // Queued rows stay in the store, pending: they go out when forwarding is on again.
        m_store->writer().setForwarding({});
        m_forwarder.reset();
        if (m_view)
            m_view->setProblem(QString());
        showState();
        return;
    }
    m_store->writer().setForwarding({choice.target, choice.secret.has_value()});
    if (m_forwarder) {
        m_forwarder->setSecret(choice.secret); // each row keeps the target it was queued for
    } else {
        Forwarder::Options options;
        options.store = m_store;
        options.secret = choice.secret;
        m_forwarder = std::make_unique<Forwarder>(std::move(options));
        connect(m_forwarder.get(), &Forwarder::entryUpdated, &m_log, &ForwardLogModel::update);
        connect(m_forwarder.get(), &Forwarder::recentLoaded, &m_log, &ForwardLogModel::setEntries);
        connect(m_forwarder.get(), &Forwarder::problem, this, [this](const QString &message) {
            if (m_view)
                m_view->setProblem(tr("Forwarding cannot use the store: %1").arg(message));
        });
        // Queued through this thread rather than called from the committing one: the forwarder
        // can be stopped here at any time, and it rescans every second anyway.
        connect(&m_store->writer(), &StoreWriter::deliveriesCommitted, m_forwarder.get(), &Forwarder::wake);
        m_forwarder->start();
        m_forwarder->loadRecent(ForwardLogModel::MaxRows);
    }
    showState();
}

void GuiForwarding::showState()
{
    if (!m_view)
        return;
    if (!m_forwarder) {
        m_view->setState(QString());
        return;
    }
    const QString target = QUrl(m_choice.target).toString(QUrl::RemoveUserInfo);
    const QString headers = m_choice.secret
        ? tr("signed afresh with the secret ending %1").arg(m_choice.secret->hint())
        : tr("with their original headers");
    m_view->setState(
        m_choice.fromCommandLine
            ? tr("Forwarding every new delivery to %1, %2 (--forward-to, for this run).").arg(target, headers)
            : tr("Forwarding every new delivery to %1, %2.").arg(target, headers));
}

} // namespace mm
