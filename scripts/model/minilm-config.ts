/**
 * The JSON files that turn the ONNX model and tokenizer from the langchain4j jar into a model
 * directory @huggingface/transformers can load. Values are those of
 * sentence-transformers/all-MiniLM-L6-v2 (as republished as Xenova/all-MiniLM-L6-v2), so a
 * locally prepared model and the hub model give the same vectors under the same model id.
 */

/** config.json: a 6-layer, 384-wide BERT encoder with the uncased BERT vocabulary. */
export const MINILM_CONFIG = {
  _name_or_path: 'sentence-transformers/all-MiniLM-L6-v2',
  architectures: ['BertModel'],
  model_type: 'bert',
  attention_probs_dropout_prob: 0.1,
  classifier_dropout: null,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 384,
  initializer_range: 0.02,
  intermediate_size: 1536,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  num_attention_heads: 12,
  num_hidden_layers: 6,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  type_vocab_size: 2,
  use_cache: true,
  vocab_size: 30522,
} as const;

/** The part of tokenizer.json that tokenizer_config.json must agree with. */
export interface BertNormalizerSettings {
  readonly lowercase: boolean;
  readonly stripAccents: boolean | null;
  readonly handleChineseChars: boolean;
}

/**
 * tokenizer_config.json. transformers.js ignores the padding and truncation blocks inside
 * tokenizer.json and truncates at `model_max_length`; 512 is what the hub copy declares (and
 * the model's position limit), so long texts are cut the same way from either source.
 */
export function miniLmTokenizerConfig(normalizer: BertNormalizerSettings): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: normalizer.lowercase,
    strip_accents: normalizer.stripAccents,
    tokenize_chinese_chars: normalizer.handleChineseChars,
    do_basic_tokenize: true,
    never_split: null,
    model_max_length: MINILM_CONFIG.max_position_embeddings,
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    mask_token: '[MASK]',
    unk_token: '[UNK]',
  };
}
