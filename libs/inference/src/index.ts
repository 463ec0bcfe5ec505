export * from './inference.module';
export * from './inference.service';
export * from './inference-operation';
export * from './usage-recorder.service';
export * from './dto/chat-completion.dto';
export * from './dto/completion.dto';
export * from './dto/embedding.dto';
