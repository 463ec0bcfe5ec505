import type { Provider } from '@nestjs/common';
import { RouterFeedbackStore, RouterTraceStore, RouterTraceWriter } from '@routeiq/persistence';
import { DataSource } from 'typeorm';
import { FeedbackService } from './feedback.service';
import { routerTraceConfigProvider } from './router-trace.config';
import { RouterTraceCapture } from './router-trace.capture';

export { FeedbackController } from './feedback.controller';
export { routerTraceConfig } from './router-trace.config';

/**
 * Routing traces and feedback, registered in RoutingModule (with `routerTraceConfig` and
 * `FeedbackController`). Needs the `DataSource` of the (global) PersistenceModule.
 */
export const ROUTER_FEEDBACK_PROVIDERS: Provider[] = [
  routerTraceConfigProvider,
  {
    provide: RouterTraceStore,
    useFactory: (dataSource: DataSource) => new RouterTraceStore(dataSource),
    inject: [DataSource],
  },
  {
    provide: RouterFeedbackStore,
    useFactory: (dataSource: DataSource) => new RouterFeedbackStore(dataSource),
    inject: [DataSource],
  },
  {
    provide: RouterTraceWriter,
    useFactory: (store: RouterTraceStore) => new RouterTraceWriter(store),
    inject: [RouterTraceStore],
  },
  RouterTraceCapture,
  FeedbackService,
];
