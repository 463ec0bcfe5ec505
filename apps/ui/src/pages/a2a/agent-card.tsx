import { agentCard } from '../../api/registry.api';
import { ErrorNotice, Loading } from '../../components/notice';
import { JsonBlock, Section } from '../../components/page';
import { useResource } from '../../lib/use-resource';

/** An agent's card as the gateway serves it (rewritten to point at the gateway). */
export function AgentCard({
  agentId,
  onClose,
}: {
  readonly agentId: string;
  readonly onClose: () => void;
}) {
  const card = useResource(`card:${agentId}`, (signal) => agentCard(agentId, signal));
  return (
    <Section
      title={`Agent card: ${agentId}`}
      id="agent-card"
      actions={
        <button type="button" onClick={onClose}>
          Close card
        </button>
      }
    >
      <ErrorNotice error={card.error} title="Card" />
      {card.loading && !card.data ? <Loading what="the card" /> : null}
      {card.data ? <JsonBlock value={card.data} label={`Agent card of ${agentId}`} /> : null}
    </Section>
  );
}
