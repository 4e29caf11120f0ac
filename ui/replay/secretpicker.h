// SPDX-License-Identifier: GPL-3.0-or-later
// Chooses the secret a replay is signed with: one of the configured signing secrets, named
// by its last four characters, or one typed in (password echo, never saved, never logged).
#pragma once

#include "verify/signingsecret.h"

#include <QList>
#include <QWidget>
#include <optional>

class QComboBox;
class QLineEdit;

namespace mm {

class SecretPicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretPicker)

public:
    explicit SecretPicker(QWidget *parent = nullptr);

    // The configured secrets, offered first; "Another secret…" follows them.
    void setSecrets(const QList<SigningSecret> &secrets);
    // Picks the configured secret at index, or the typed one with -1.
    void choose(int index);
    void setTypedText(const QString &text);
    bool usesTypedSecret() const;
    // Where to put the cursor when secret() fails: the typed field, or the choice.
    QWidget *problemField() const;

    // The chosen secret, or nullopt with a sentence that never repeats a secret.
    std::optional<SigningSecret> secret(QString *error) const;

Q_SIGNALS:
    void changed();

private:
    void updateTyped();

    QList<SigningSecret> m_secrets;
    QComboBox *m_choice;
    QLineEdit *m_typed;
};

} // namespace mm
