// SPDX-License-Identifier: GPL-3.0-or-later
// Edit and replay: one stored delivery's JSON in an editor, checked as it is typed (Send
// stays off, with the line and column, while it does not parse), then signed now and sent
// through a ReplaySession from the factory app/ hands in, with the answer shown.
#pragma once

#include "replay/replaysession.h"
#include "store/records.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace mm {

class SecretPicker;

class EditReplayDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditReplayDialog)

public:
    EditReplayDialog(const ReplaySessionFactory &factory, const DeliveryDetail &detail,
                     QWidget *parent = nullptr);

    void setSecrets(const QList<SigningSecret> &secrets);
    void setTarget(const QString &url);

    QPlainTextEdit *editor() const { return m_editor; }
    // "Valid JSON · 312 bytes" or "Line 3, column 14: …".
    QString validationText() const;
    bool canSend() const;
    // As the Send button does; false when something is wrong (errorText() says what).
    bool send();
    bool isSending() const;
    QString errorText() const;
    // The last answer, as shown.
    QString resultText() const;

Q_SIGNALS:
    void targetUsed(const QString &url);
    void resultShown(const mm::ReplayResult &result);

protected:
    void reject() override; // cancels a send in flight first

private:
    void validate();
    void format();
    void goToProblem();
    void showError(const QString &text, QWidget *field = nullptr);
    void updateControls();

    ReplaySession *m_session;
    DeliveryDetail m_detail;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_validation = nullptr;
    QLineEdit *m_target = nullptr;
    SecretPicker *m_secret = nullptr;
    QCheckBox *m_keepId = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_resultTitle = nullptr;
    QPlainTextEdit *m_result = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_format = nullptr;
    QPushButton *m_goThere = nullptr;
    bool m_valid = false;
    int m_problemLine = 0;
    int m_problemColumn = 0;
};

} // namespace mm
