// SPDX-License-Identifier: GPL-3.0-or-later
// What can be done with the events selected in a view: copy one as a freshly signed curl
// command, and export the selection as JSON Lines or HAR. Payloads come through the model, which
// reads them off the GUI thread; the view never touches the store.
#pragma once

#include "model/monitormodel.h"

#include <QObject>
#include <QUrl>
#include <memory>

class QAction;
class QTableView;

namespace mm {

class SigningSecret;
struct DeliveryDetail;

class EventActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventActions)

public:
    EventActions(QTableView *view, MonitorModel *model);
    ~EventActions() override;

    void setStoreAvailable(bool available) { m_storeAvailable = available; }
    // Where "Copy as curl" sends to, and the secret it signs with (none: unsigned).
    // tolerance: how long the receiver accepts a signature, said when the command is copied.
    void setCurlTarget(const QUrl &target, std::shared_ptr<const SigningSecret> secret, int toleranceSeconds);

    QAction *copyAsCurlAction() const { return m_copyCurl; }
    QAction *exportAction() const { return m_export; }
    QAction *exportHarAction() const { return m_exportHar; }

    // For tests and scripts: export the selected rows to path without asking.
    void exportSelectionTo(const QString &path,
                           MonitorModel::ExportFormat format = MonitorModel::ExportFormat::JsonLines);
    QList<qint64> selectedRowIds() const;

Q_SIGNALS:
    void message(const QString &text);

private:
    void copyAsCurl();
    void exportSelection(MonitorModel::ExportFormat format);
    void onDetail(const DeliveryDetail &detail);
    void updateEnabled();

    QTableView *m_view;
    MonitorModel *m_model;
    QAction *m_copyCurl;
    QAction *m_export;
    QAction *m_exportHar;
    bool m_storeAvailable = false;
    QUrl m_target;
    std::shared_ptr<const SigningSecret> m_secret;
    int m_toleranceSeconds = 300;
    quint64 m_curlRequest = 0; // the payload request whose answer goes to the clipboard
};

} // namespace mm
