// SPDX-License-Identifier: GPL-3.0-or-later
// The main window. For now it shows where the receiver listens.
#pragma once

#include <QMainWindow>

class QLabel;

namespace mm {

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void setListenUrl(const QString &url);
    void setStatusText(const QString &text);

private:
    QLabel *m_urlLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
};

} // namespace mm
