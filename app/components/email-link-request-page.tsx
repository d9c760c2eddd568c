// The page of an "e-mail me a link" form: the form, then the same "check your e-mail" answer
// whatever the address.
import { Form } from "@remix-run/react";
import { ErrorSummary, Honeypot, TextField } from "~/components/form";
import type { MessageKey } from "~/i18n";
import type { FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

export function EmailLinkRequestPage({
  actionData,
  text,
}: {
  actionData: { errors?: FieldErrors; values?: { email: string }; sent?: boolean } | undefined;
  text: {
    title: MessageKey;
    intro: MessageKey;
    submit: MessageKey;
    sentTitle: MessageKey;
    sentBody: MessageKey;
  };
}) {
  const t = useT();
  if (actionData?.sent) {
    return (
      <>
        <h1>{t(text.sentTitle)}</h1>
        <p className="lead">{t(text.sentBody)}</p>
        <p>
          <a href="/login">{t("auth.link.signIn")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      <h1>{t(text.title)}</h1>
      <p>{t(text.intro)}</p>
      <Form method="post" noValidate>
        <TextField
          name="email"
          type="email"
          label={t("auth.field.email")}
          autoComplete="email"
          spellCheck={false}
          defaultValue={actionData?.values?.email}
          error={actionData?.errors?.email}
        />
        <Honeypot />
        <button type="submit" className="button">
          {t(text.submit)}
        </button>
      </Form>
    </>
  );
}
