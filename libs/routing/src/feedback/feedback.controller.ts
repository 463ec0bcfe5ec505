import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { JsonBody, UserOrAdmin, type GatewayRequest } from '@routeiq/common';
import type { FeedbackView } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/** Outcome feedback on answers: the learned routers' training signal from real traffic. */
@Controller()
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  /** `{request_id, score: 0..1 | true | false, comment?}` about one of the caller's requests. */
  @UserOrAdmin()
  @Post('v1/feedback')
  @HttpCode(200)
  rate(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<FeedbackView> {
    return this.feedback.rate(body, req.principal);
  }
}
