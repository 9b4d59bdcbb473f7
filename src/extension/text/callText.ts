// The call reader is pure text work shared with the model-wide what-if; it lives in the core.
export * from '../../core/callText';
