// The pure core: conv math exactly as PyTorch defines it. Never imports vscode, the DOM or Node.
export * from './arithmetic';
export * from './errors';
export * from './format';
export * from './groups';
export * from './groupChoices';
export * from './json';
export * from './memory';
export * from './pyvalue';
export * from './record';
export * from './separable';
export * from './shape';
export * from './shapeText';
export * from './spec';
export * from './signature';
export * from './repr';
export * from './width';
export * from './callText';
