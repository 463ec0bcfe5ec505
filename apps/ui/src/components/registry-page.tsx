import type { ReactNode } from 'react';
import { GatewayError } from '../api/gateway-error';
import type { Registry } from '../lib/use-registry';
import { OpenFormButton } from './form-card';
import { ErrorNotice, InfoNotice, StatusMessage } from './notice';
import { Page } from './page';

interface RegistryPageProps {
  /** The page title, also the feature's name ("MCP", "A2A"). */
  readonly title: string;
  readonly description: string;
  /** The button that opens the register form, e.g. "Register server". */
  readonly registerLabel: string;
  readonly registry: Registry;
  /** The error of the page's list: the feature is off when it has the code `offCode`. */
  readonly listError: unknown;
  readonly offCode: string;
  /** The environment variable that turns the feature on. */
  readonly flag: string;
  /** The register form, shown while `registry.registering`. */
  readonly form: ReactNode;
  readonly children: ReactNode;
}

/** The frame of a registry page (MCP, A2A): register button and form, results, or "off". */
export function RegistryPage(props: RegistryPageProps) {
  const { registry } = props;
  const disabled =
    props.listError instanceof GatewayError && props.listError.code === props.offCode;
  return (
    <Page
      title={props.title}
      description={props.description}
      actions={
        disabled ? null : (
          <OpenFormButton
            label={props.registerLabel}
            open={registry.registering}
            onOpen={() => registry.setRegistering(true)}
          />
        )
      }
    >
      {disabled ? (
        <InfoNotice>
          The {props.title} gateway is off on this gateway. <code>{props.flag}=true</code> turns it
          on.
        </InfoNotice>
      ) : (
        <>
          <StatusMessage>{registry.status}</StatusMessage>
          <ErrorNotice error={registry.remove.error} title="Not removed" />
          {registry.registering ? props.form : null}
          {props.children}
        </>
      )}
    </Page>
  );
}
