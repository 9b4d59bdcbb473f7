import * as lexer from './lexer';
import { Lexer } from './lexer';
import { typeId } from './nodeTypes';

// A recursive-descent parser that writes the postfix node buffer @lezer/python's parser would
// produce for the same text: [type, from, to, size] per node, children before their parent.
// Comments are lezer skip tokens: they land in the deepest node open both before and after them.
// They wait in the lexer's list until the parser consumes the next token or opens a node there
// (`mark`), so a node closed before them (whose `to` is its last token) leaves them outside.

// Local copies: a module's exports are getters once bundled as CommonJS, too slow for every token.
const { bail, S_DOUBLE, S_FORMAT, S_LONG, S_RAW } = lexer;
const T = { ...lexer.T };

const ID = {
  Escape: typeId('Escape'), Comment: typeId('Comment'),
  AssignStatement: typeId('AssignStatement'), star: typeId('*'),
  BinaryExpression: typeId('BinaryExpression', 0), BinaryTest: typeId('BinaryExpression', 1),
  BitOr: typeId('BitOp', 0), BitXor: typeId('BitOp', 1), BitAnd: typeId('BitOp', 2), Shift: typeId('BitOp', 3), BitNot: typeId('BitOp', 4),
  Plus: typeId('ArithOp', 0), Times: typeId('ArithOp', 1), Power: typeId('ArithOp', 2), Prefix: typeId('ArithOp', 3),
  at: typeId('@'), dstar: typeId('**'),
  UnaryExpression: typeId('UnaryExpression', 0), NotExpression: typeId('UnaryExpression', 1),
  rparen: typeId(')'), lparen: typeId('('), ParenthesizedExpression: typeId('ParenthesizedExpression'),
  or: typeId('or'), and: typeId('and'), CompareOp: typeId('CompareOp'), in: typeId('in'), not: typeId('not'), is: typeId('is'),
  ConditionalExpression: typeId('ConditionalExpression'), if: typeId('if'), else: typeId('else'),
  LambdaExpression: typeId('LambdaExpression', 0), LambdaNoCond: typeId('LambdaExpression', 1), lambda: typeId('lambda'),
  LambdaParamList: typeId('ParamList', 0), ParamList: typeId('ParamList', 1), VariableName: typeId('VariableName'),
  LambdaAssignOp: typeId('AssignOp', 0), ArgAssignOp: typeId('AssignOp', 2), StatementAssignOp: typeId('AssignOp', 3), ParamAssignOp: typeId('AssignOp', 4),
  comma: typeId(','), colon: typeId(':'),
  YieldExpression: typeId('YieldExpression'), yield: typeId('yield'), from: typeId('from'),
  TupleExpression: typeId('TupleExpression'), ComprehensionExpression: typeId('ComprehensionExpression'), for: typeId('for'),
  rbracket: typeId(']'), lbracket: typeId('['), ArrayExpression: typeId('ArrayExpression'), ArrayComprehensionExpression: typeId('ArrayComprehensionExpression'),
  rbrace: typeId('}'), lbrace: typeId('{', 1), replacementStart: typeId('{', 0),
  DictionaryExpression: typeId('DictionaryExpression'), DictionaryComprehensionExpression: typeId('DictionaryComprehensionExpression'),
  SetExpression: typeId('SetExpression'), SetComprehensionExpression: typeId('SetComprehensionExpression'),
  CallExpression: typeId('CallExpression'), ArgList: typeId('ArgList'), MemberExpression: typeId('MemberExpression'),
  dot: typeId('.'), PropertyName: typeId('PropertyName'), Number: typeId('Number'), String: typeId('String'), FormatString: typeId('FormatString'),
  FormatReplacement: typeId('FormatReplacement', 0), NestedFormatReplacement: typeId('FormatReplacement', 1),
  FormatSelfDoc: typeId('FormatSelfDoc', 0), NestedFormatSelfDoc: typeId('FormatSelfDoc', 1),
  FormatConversion: typeId('FormatConversion'), FormatSpec: typeId('FormatSpec'), ContinuedString: typeId('ContinuedString'),
  Ellipsis: typeId('Ellipsis'), None: typeId('None'), Boolean: typeId('Boolean'),
  TypeDef: typeId('TypeDef', 0), ReturnTypeDef: typeId('TypeDef', 1),
  UpdateStatement: typeId('UpdateStatement'), UpdateOp: typeId('UpdateOp'), ExpressionStatement: typeId('ExpressionStatement'),
  DeleteStatement: typeId('DeleteStatement'), del: typeId('del'), PassStatement: typeId('PassStatement'), pass: typeId('pass'),
  BreakStatement: typeId('BreakStatement'), break: typeId('break'), ContinueStatement: typeId('ContinueStatement'), continue: typeId('continue'),
  ReturnStatement: typeId('ReturnStatement'), return: typeId('return'), YieldStatement: typeId('YieldStatement'),
  RaiseStatement: typeId('RaiseStatement'), raise: typeId('raise'), ImportStatement: typeId('ImportStatement'), import: typeId('import'), as: typeId('as'),
  ScopeStatement: typeId('ScopeStatement'), global: typeId('global'), nonlocal: typeId('nonlocal'),
  AssertStatement: typeId('AssertStatement'), assert: typeId('assert'), StatementGroup: typeId('StatementGroup'), semi: typeId(';'),
  IfStatement: typeId('IfStatement'), Body: typeId('Body'), elif: typeId('elif'), WhileStatement: typeId('WhileStatement'), while: typeId('while'),
  ForStatement: typeId('ForStatement'), TryStatement: typeId('TryStatement'), try: typeId('try'), except: typeId('except'), finally: typeId('finally'),
  WithStatement: typeId('WithStatement'), with: typeId('with'), FunctionDefinition: typeId('FunctionDefinition'), def: typeId('def'),
  NamedExpression: typeId('NamedExpression'), NamedAssignOp: typeId('AssignOp', 1),
  async: typeId('async'), await: typeId('await'), AwaitExpression: typeId('AwaitExpression'),
  ClassDefinition: typeId('ClassDefinition'), class: typeId('class'), DecoratedStatement: typeId('DecoratedStatement'), Decorator: typeId('Decorator'), At: typeId('At'),
};

// Binary operator precedences, lowest first, as the grammar's @precedence block.
const P_OR = 1, P_AND = 2, P_COMPARE = 3, P_BITOR = 4, P_XOR = 5, P_BITAND = 6, P_SHIFT = 7, P_PLUS = 8, P_TIMES = 9, P_PREFIX = 10, P_POWER = 11;

/** Precedence of a binary operator token, 0 when the token is none. */
const precedence = new Int8Array(128);
precedence[T.OR] = P_OR;
precedence[T.AND] = P_AND;
precedence[T.CMP] = precedence[T.IN] = precedence[T.NOT] = precedence[T.IS] = P_COMPARE;
precedence[T.PIPE] = P_BITOR;
precedence[T.CARET] = P_XOR;
precedence[T.AMP] = P_BITAND;
precedence[T.LSHIFT] = precedence[T.RSHIFT] = P_SHIFT;
precedence[T.PLUS] = precedence[T.MINUS] = P_PLUS;
precedence[T.STAR] = precedence[T.SLASH] = precedence[T.DSLASH] = precedence[T.PERCENT] = precedence[T.AT] = P_TIMES;
precedence[T.DSTAR] = P_POWER;

/** Tokens that can start an expression (for trailing commas in statements). */
const startsExpression = new Uint8Array(128);
for (const kind of [T.NAME, T.NUMBER, T.STRING, T.LPAREN, T.LBRACKET, T.LBRACE, T.MINUS, T.PLUS, T.TILDE, T.NOT,
  T.LAMBDA, T.NONE, T.TRUE, T.FALSE, T.ELLIPSIS, T.STAR, T.AWAIT]) startsExpression[kind] = 1;

/** Tokens after which lezer's recovery from `1.` is a zero-length error node (checked empirically). */
const recoversAfterNumberDot = new Uint8Array(128);
for (const kind of [T.RPAREN, T.COMMA, T.RBRACKET, T.RBRACE, T.NEWLINE, T.COLON, T.STAR, T.DSTAR, T.SLASH, T.DSLASH,
  T.PERCENT, T.PLUS, T.MINUS, T.CMP]) {
  recoversAfterNumberDot[kind] = 1;
}

export class Parser {
  /** The node buffer; Python code makes about one node per 3.5 characters, 4 numbers each. */
  buf: Int32Array;
  n = 0;
  /** End of the last consumed token. */
  lastEnd = 0;
  private lx: Lexer;

  constructor(readonly src: string) {
    this.lx = new Lexer(src);
    this.buf = new Int32Array(src.length + (src.length >> 2) + 64);
  }

  /** Parses the whole script; the buffer then holds the Script's children. */
  parseScript(): void {
    const lx = this.lx;
    lx.next();
    while (lx.t !== T.EOF) this.statement();
    this.flush();
  }

  // Buffer writing.

  private push(type: number, from: number, to: number, size: number): void {
    if (this.n + 4 > this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const buf = this.buf;
    const n = this.n;
    buf[n] = type;
    buf[n + 1] = from;
    buf[n + 2] = to;
    buf[n + 3] = size;
    this.n = n + 4;
  }

  /** Closes a node whose children start at buffer index `start`. */
  private node(type: number, from: number, start: number): void {
    this.push(type, from, this.lastEnd, this.n - start + 4);
  }

  /** Writes pending comments: they come before the current token. */
  private flush(): void {
    const comments = this.lx.comments;
    if (comments.length === 0) return;
    for (let i = 0; i < comments.length; i += 2) this.push(ID.Comment, comments[i], comments[i + 1], 4);
    comments.length = 0;
  }

  /** Opens a node at the current token: pending comments go before it. */
  private mark(): number {
    if (this.lx.comments.length > 0) this.flush();
    return this.n;
  }

  /** Consumes the current token as a leaf node of `type`. */
  private take(type: number): void {
    const lx = this.lx;
    if (lx.comments.length > 0) this.flush();
    this.push(type, lx.ts, lx.te, 4);
    this.lastEnd = lx.te;
    lx.next();
  }

  /** Consumes the current token, which must be `kind`, as a leaf node of `type`. */
  private expect(kind: number, type: number): void {
    if (this.lx.t !== kind) bail();
    this.take(type);
  }

  /** Consumes a token that is no node (newline, `->`, the `/` parameter). */
  private skip(): void {
    const lx = this.lx;
    if (lx.comments.length > 0) this.flush();
    this.lastEnd = lx.te;
    lx.next();
  }

  private name(): void {
    this.expect(T.NAME, ID.VariableName);
  }

  // Statements.

  private statement(): void {
    switch (this.lx.t) {
      case T.IF: return this.ifStatement();
      case T.WHILE: return this.whileStatement();
      case T.FOR: return this.forStatement();
      case T.TRY: return this.tryStatement();
      case T.WITH: return this.withStatement();
      case T.DEF: return this.functionDefinition();
      case T.CLASS: return this.classDefinition();
      case T.AT: return this.decoratedStatement();
      case T.ASYNC: return this.asyncStatement();
      default: return this.simpleStatement();
    }
  }

  /** `async def`, `async for`, `async with`: the statement's node starts at `async`. */
  private asyncStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.async);
    if (lx.t === T.DEF) this.functionDefinition(start, from);
    else if (lx.t === T.FOR) this.forStatement(start, from);
    else if (lx.t === T.WITH) this.withStatement(start, from);
    else bail();
  }

  private simpleStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.smallStatement();
    if (lx.t === T.SEMI) {
      while (lx.t === T.SEMI) {
        this.take(ID.semi);
        if (lx.t === T.NEWLINE || lx.t === T.EOF) break;
        this.smallStatement();
      }
      this.endOfLine();
      this.node(ID.StatementGroup, from, start);
      return;
    }
    this.endOfLine();
  }

  private endOfLine(): void {
    const t = this.lx.t;
    if (t === T.NEWLINE) this.skip();
    else if (t !== T.EOF) bail();
  }

  private atStatementEnd(): boolean {
    const t = this.lx.t;
    return t === T.NEWLINE || t === T.EOF || t === T.SEMI;
  }

  private smallStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    switch (lx.t) {
      case T.PASS: this.take(ID.pass); return this.node(ID.PassStatement, from, start);
      case T.BREAK: this.take(ID.break); return this.node(ID.BreakStatement, from, start);
      case T.CONTINUE: this.take(ID.continue); return this.node(ID.ContinueStatement, from, start);
      case T.RETURN:
        this.take(ID.return);
        if (!this.atStatementEnd()) this.starredList();
        return this.node(ID.ReturnStatement, from, start);
      case T.DEL:
        this.take(ID.del);
        this.commaList(() => this.expression());
        return this.node(ID.DeleteStatement, from, start);
      case T.RAISE:
        this.take(ID.raise);
        if (!this.atStatementEnd()) {
          this.test();
          if (lx.t === T.FROM) {
            this.take(ID.from);
            this.test();
          }
        }
        return this.node(ID.RaiseStatement, from, start);
      case T.IMPORT:
        this.take(ID.import);
        this.importedNames();
        return this.node(ID.ImportStatement, from, start);
      case T.FROM: return this.fromImport(from, start);
      case T.GLOBAL: case T.NONLOCAL:
        this.take(lx.t === T.GLOBAL ? ID.global : ID.nonlocal);
        this.name();
        while (lx.t === T.COMMA) {
          this.take(ID.comma);
          this.name();
        }
        return this.node(ID.ScopeStatement, from, start);
      case T.ASSERT:
        this.take(ID.assert);
        this.commaList(() => this.test());
        return this.node(ID.AssertStatement, from, start);
      case T.YIELD:
        this.yieldInner();
        return this.node(ID.YieldStatement, from, start);
      case T.NAME: this.checkSoftKeyword(); break;
    }
    this.starredList();
    const t = lx.t;
    if (t === T.ASSIGN || t === T.COLON) {
      if (t === T.COLON) {
        const typeStart = this.mark();
        const typeFrom = lx.ts;
        this.take(ID.colon);
        this.test();
        this.node(ID.TypeDef, typeFrom, typeStart);
      }
      while (lx.t === T.ASSIGN) {
        this.take(ID.StatementAssignOp);
        if (lx.t === T.YIELD) this.yieldExpression();
        else this.starredList();
      }
      return this.node(ID.AssignStatement, from, start);
    }
    if (t === T.UPDATE) {
      this.take(ID.UpdateOp);
      if (lx.t === T.YIELD) this.yieldExpression();
      else this.commaList(() => this.test());
      return this.node(ID.UpdateStatement, from, start);
    }
    this.node(ID.ExpressionStatement, from, start);
  }

  /**
   * `print`, `match` and `type` at a statement's start may be lezer's legacy print statement,
   * match statement or type alias: the fast parser only takes them where they cannot be.
   */
  private checkSoftKeyword(): void {
    const { src, ts, te } = this.lx;
    const length = te - ts;
    if (length === 5 && src.startsWith('print', ts)) {
      let p = te;
      while (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9) p++;
      const c = src.charCodeAt(p);
      if (!(c === 40 || c === 46 || c === 10 || c === 13 || c === 35)) bail();
    } else if ((length === 5 && src.startsWith('match', ts)) || (length === 4 && src.startsWith('type', ts))) {
      let p = te;
      while (src.charCodeAt(p) === 32) p++;
      const c = src.charCodeAt(p);
      // Assignments, attribute access, calls and subscripts of a variable named so.
      if (!(c === 61 || c === 46 || c === 40 || c === 91 || c === 44 || c === 41 || c === 10 || c === 13 || c === 58)) bail();
      if (c === 40 || c === 91) {
        if (src.startsWith('match', ts)) bail();
      }
    }
  }

  /** commaSep<"*" expression | test>, flat (expression lists of statements). */
  private starredList(): void {
    const lx = this.lx;
    for (;;) {
      if (lx.t === T.STAR) {
        this.take(ID.star);
        this.expression();
      } else this.test();
      if (lx.t !== T.COMMA) return;
      this.take(ID.comma);
      if (!startsExpression[lx.t]) return;
    }
  }

  /** commaSep<item>: items separated by commas, an optional trailing comma. */
  private commaList(item: () => void): void {
    const lx = this.lx;
    for (;;) {
      item();
      if (lx.t !== T.COMMA) return;
      this.take(ID.comma);
      if (!startsExpression[lx.t]) return;
    }
  }

  private importedNames(): void {
    const lx = this.lx;
    for (;;) {
      this.name();
      while (lx.t === T.DOT) {
        this.take(ID.dot);
        this.name();
      }
      if (lx.t === T.AS) {
        this.take(ID.as);
        this.name();
      }
      if (lx.t !== T.COMMA) return;
      this.take(ID.comma);
      if (lx.t !== T.NAME) return;
    }
  }

  private fromImport(from: number, start: number): void {
    const lx = this.lx;
    this.take(ID.from);
    let dots = 0;
    while (lx.t === T.DOT || lx.t === T.ELLIPSIS) {
      this.take(lx.t === T.DOT ? ID.dot : ID.Ellipsis);
      dots++;
    }
    if (lx.t === T.NAME) {
      this.name();
      while (lx.t === T.DOT) {
        this.take(ID.dot);
        this.name();
      }
    } else if (dots === 0) bail();
    this.expect(T.IMPORT, ID.import);
    if (lx.t === T.STAR) this.take(ID.star);
    else if (lx.t === T.LPAREN) {
      this.take(ID.lparen);
      this.importedNames();
      this.expect(T.RPAREN, ID.rparen);
    } else this.importedNames();
    this.node(ID.ImportStatement, from, start);
  }

  private body(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.expect(T.COLON, ID.colon);
    if (lx.t === T.NEWLINE) {
      this.skip();
      if (lx.t !== T.INDENT) bail();
      lx.next();
      do this.statement();
      while (lx.t !== T.DEDENT && lx.t !== T.EOF);
      if (lx.t === T.DEDENT) lx.next();
    } else {
      this.simpleStatement();
    }
    this.node(ID.Body, from, start);
  }

  private ifStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.if);
    this.testNamed();
    this.body();
    while (lx.t === T.ELIF) {
      this.take(ID.elif);
      this.testNamed();
      this.body();
    }
    this.elseClause();
    this.node(ID.IfStatement, from, start);
  }

  private elseClause(): void {
    if (this.lx.t === T.ELSE) {
      this.take(ID.else);
      this.body();
    }
  }

  private whileStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.while);
    this.testNamed();
    this.body();
    this.elseClause();
    this.node(ID.WhileStatement, from, start);
  }

  private forStatement(start = this.mark(), from = this.lx.ts): void {
    const lx = this.lx;
    this.take(ID.for);
    for (;;) {
      if (lx.t === T.STAR) this.take(ID.star);
      this.expression();
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
      if (lx.t === T.IN) break;
    }
    this.expect(T.IN, ID.in);
    this.commaList(() => this.test());
    this.body();
    this.elseClause();
    this.node(ID.ForStatement, from, start);
  }

  private tryStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.try);
    this.body();
    while (lx.t === T.EXCEPT) {
      this.take(ID.except);
      if (lx.t !== T.COLON) {
        this.test();
        if (lx.t === T.AS) {
          this.take(ID.as);
          this.name();
        }
      }
      this.body();
    }
    this.elseClause();
    if (lx.t === T.FINALLY) {
      this.take(ID.finally);
      this.body();
    }
    this.node(ID.TryStatement, from, start);
  }

  private withStatement(start = this.mark(), from = this.lx.ts): void {
    const lx = this.lx;
    this.take(ID.with);
    for (;;) {
      this.test();
      if (lx.t === T.AS) {
        this.take(ID.as);
        this.name();
      }
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
    }
    this.body();
    this.node(ID.WithStatement, from, start);
  }

  private functionDefinition(start = this.mark(), from = this.lx.ts): void {
    const lx = this.lx;
    this.take(ID.def);
    this.name();
    this.paramList();
    if (lx.t === T.ARROW) {
      const typeStart = this.mark();
      const typeFrom = lx.ts;
      this.skip();
      this.test();
      this.node(ID.ReturnTypeDef, typeFrom, typeStart);
    }
    this.body();
    this.node(ID.FunctionDefinition, from, start);
  }

  private paramList(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.expect(T.LPAREN, ID.lparen);
    while (lx.t !== T.RPAREN) {
      if (lx.t === T.SLASH) this.skip();
      else if (lx.t === T.STAR) {
        this.take(ID.star);
        if (lx.t === T.NAME) this.typedName();
      } else if (lx.t === T.DSTAR) {
        this.take(ID.dstar);
        this.typedName();
      } else {
        this.typedName();
        if (lx.t === T.ASSIGN) {
          this.take(ID.ParamAssignOp);
          this.test();
        }
      }
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
    }
    this.expect(T.RPAREN, ID.rparen);
    this.node(ID.ParamList, from, start);
  }

  private typedName(): void {
    const lx = this.lx;
    this.name();
    if (lx.t === T.COLON) {
      const start = this.mark();
      const from = lx.ts;
      this.take(ID.colon);
      this.test();
      this.node(ID.TypeDef, from, start);
    }
  }

  private classDefinition(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.class);
    this.name();
    if (lx.t === T.LPAREN) this.argList();
    this.body();
    this.node(ID.ClassDefinition, from, start);
  }

  private decoratedStatement(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    while (lx.t === T.AT) {
      const decoratorStart = this.mark();
      const decoratorFrom = lx.ts;
      this.take(ID.At);
      this.name();
      while (lx.t === T.DOT) {
        this.take(ID.dot);
        this.name();
      }
      if (lx.t === T.LPAREN) this.argList();
      if (lx.t !== T.NEWLINE) bail();
      this.skip();
      this.node(ID.Decorator, decoratorFrom, decoratorStart);
    }
    if (lx.t === T.DEF) this.functionDefinition();
    else if (lx.t === T.CLASS) this.classDefinition();
    else if (lx.t === T.ASYNC) this.asyncStatement();
    else bail();
    this.node(ID.DecoratedStatement, from, start);
  }

  // Expressions.

  /** test: a lambda, or a conditional expression over testInner. */
  private test(noCond = false): void {
    const lx = this.lx;
    if (lx.t === T.LAMBDA) return this.lambda(noCond);
    const start = this.mark();
    const from = lx.ts;
    this.binary(P_OR);
    if (!noCond && lx.t === T.IF) {
      this.take(ID.if);
      this.binary(P_OR);
      this.expect(T.ELSE, ID.else);
      this.test();
      this.node(ID.ConditionalExpression, from, start);
    }
  }

  /** testNamed: a test, or a NamedExpression `test := test`. */
  private testNamed(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.test();
    if (lx.t === T.WALRUS) {
      this.take(ID.NamedAssignOp);
      this.test();
      this.node(ID.NamedExpression, from, start);
    }
  }

  /** An `expression` of the grammar: no comparison, `not`, `and`, `or`. */
  private expression(): void {
    this.binary(P_BITOR);
  }

  /** Operators of at least precedence `min` over operands (Pratt parsing). */
  private binary(min: number): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    if (lx.t === T.NOT) {
      // `not` takes everything up to the end of the test, as lezer's grammar resolves it.
      if (min > P_COMPARE) bail();
      this.take(ID.not);
      this.binary(P_OR);
      this.node(ID.NotExpression, from, start);
      return;
    }
    if (lx.t === T.AWAIT) {
      // `await` takes a whole `expression` (no comparison), as lezer's grammar resolves it.
      if (min > P_BITOR) bail();
      this.take(ID.await);
      this.binary(P_BITOR);
      this.node(ID.AwaitExpression, from, start);
    } else this.unary();
    for (;;) {
      const t = lx.t;
      const prec = t < 128 ? precedence[t] : 0;
      if (prec === 0 || prec < min) return;
      this.operator(t);
      if (prec === P_COMPARE && lx.t === T.NOT) bail();
      this.binary(prec === P_POWER ? P_POWER : prec + 1);
      this.node(prec <= P_COMPARE ? ID.BinaryTest : ID.BinaryExpression, from, start);
    }
  }

  private operator(t: number): void {
    const lx = this.lx;
    switch (t) {
      case T.OR: return this.take(ID.or);
      case T.AND: return this.take(ID.and);
      case T.CMP: return this.take(ID.CompareOp);
      case T.IN: return this.take(ID.in);
      case T.NOT:
        this.take(ID.not);
        return this.expect(T.IN, ID.in);
      case T.IS:
        this.take(ID.is);
        if (lx.t === T.NOT) this.take(ID.not);
        return;
      case T.PIPE: return this.take(ID.BitOr);
      case T.CARET: return this.take(ID.BitXor);
      case T.AMP: return this.take(ID.BitAnd);
      case T.LSHIFT: case T.RSHIFT: return this.take(ID.Shift);
      case T.PLUS: case T.MINUS: return this.take(ID.Plus);
      case T.SLASH: case T.DSLASH: case T.PERCENT: return this.take(ID.Times);
      case T.STAR: return this.wrappedOperator(ID.Times, ID.star);
      case T.AT: return this.wrappedOperator(ID.Times, ID.at);
      case T.DSTAR: return this.wrappedOperator(ID.Power, ID.dstar);
    }
  }

  /** An operator node holding the same-span literal token (`*`, `@`, `**` are tokens elsewhere). */
  private wrappedOperator(type: number, literal: number): void {
    const lx = this.lx;
    if (lx.comments.length > 0) this.flush();
    const { ts, te } = lx;
    this.push(literal, ts, te, 4);
    this.push(type, ts, te, 8);
    this.lastEnd = te;
    lx.next();
  }

  private unary(): void {
    const lx = this.lx;
    const t = lx.t;
    if (t === T.MINUS || t === T.PLUS || t === T.TILDE) {
      const start = this.mark();
      const from = lx.ts;
      this.take(t === T.TILDE ? ID.BitNot : ID.Prefix);
      this.binary(P_PREFIX);
      this.node(ID.UnaryExpression, from, start);
      return;
    }
    this.primary();
  }

  private primary(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.atom();
    for (;;) {
      const t = lx.t;
      if (t === T.LPAREN) {
        this.argList();
        this.node(ID.CallExpression, from, start);
      } else if (t === T.LBRACKET) {
        this.subscript();
        this.node(ID.MemberExpression, from, start);
      } else if (t === T.DOT) {
        const afterNumber = this.n - start === 4 && this.buf[start] === ID.Number && this.lastEnd === lx.ts;
        this.take(ID.dot);
        if (lx.t === T.NAME || (lx.t >= T.AND && lx.t <= T.YIELD)) this.take(ID.PropertyName);
        else if (afterNumber && this.lx.comments.length === 0 && recoversAfterNumberDot[lx.t]) {
          // lezer reads `1.` as `1` `.` and a missing property name, an error node at the next token.
          this.push(0, lx.ts, lx.ts, 4);
          this.lastEnd = lx.ts;
        } else bail();
        this.node(ID.MemberExpression, from, start);
      } else return;
    }
  }

  private atom(): void {
    const lx = this.lx;
    switch (lx.t) {
      case T.NAME: return this.take(ID.VariableName);
      case T.NUMBER: return this.take(ID.Number);
      case T.STRING: return this.strings();
      case T.LPAREN: return this.parenthesized();
      case T.LBRACKET: return this.array();
      case T.LBRACE: return this.braces();
      case T.ELLIPSIS: return this.take(ID.Ellipsis);
      case T.NONE: return this.take(ID.None);
      case T.TRUE: case T.FALSE: return this.take(ID.Boolean);
    }
    bail();
  }

  private argList(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.lparen);
    while (lx.t !== T.RPAREN) {
      if (lx.t === T.STAR) {
        this.take(ID.star);
        this.test();
      } else if (lx.t === T.DSTAR) {
        this.take(ID.dstar);
        this.test();
      } else {
        const argStart = this.mark();
        this.test();
        if (lx.t === T.ASSIGN || lx.t === T.WALRUS) {
          // Only `name=value` (or `name := value`): the argument so far must be one VariableName.
          if (this.n - argStart !== 4 || this.buf[argStart] !== ID.VariableName) bail();
          this.take(ID.ArgAssignOp);
          this.test();
        }
        if (lx.t === T.FOR || lx.t === T.ASYNC) this.compFor();
      }
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
    }
    this.expect(T.RPAREN, ID.rparen);
    this.node(ID.ArgList, from, start);
  }

  /** `[` slices `]` of a MemberExpression, flat. */
  private subscript(): void {
    const lx = this.lx;
    this.take(ID.lbracket);
    for (;;) {
      if (lx.t !== T.COLON) this.testNamed();
      if (lx.t === T.COLON) {
        this.take(ID.colon);
        if (lx.t !== T.COLON && lx.t !== T.COMMA && lx.t !== T.RBRACKET) this.testNamed();
        if (lx.t === T.COLON) {
          this.take(ID.colon);
          if (lx.t !== T.COMMA && lx.t !== T.RBRACKET) this.testNamed();
        }
      }
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
      if (lx.t === T.RBRACKET) break;
    }
    this.expect(T.RBRACKET, ID.rbracket);
  }

  /** `"*" expression | testNamed` (items of tuples and lists), or `| test` (yield operands). */
  private item(named = true): void {
    if (this.lx.t === T.STAR) {
      this.take(ID.star);
      this.expression();
    } else if (named) this.testNamed();
    else this.test();
  }

  private parenthesized(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.lparen);
    let type = ID.TupleExpression;
    if (lx.t === T.YIELD) {
      this.yieldExpression();
      type = ID.ParenthesizedExpression;
    } else if (lx.t !== T.RPAREN) {
      this.item();
      if (lx.t === T.FOR || lx.t === T.ASYNC) {
        this.compFor();
        type = ID.ComprehensionExpression;
      } else if (lx.t === T.RPAREN) {
        type = ID.ParenthesizedExpression;
      } else {
        while (lx.t === T.COMMA) {
          this.take(ID.comma);
          if (lx.t === T.RPAREN) break;
          this.item();
        }
      }
    }
    this.expect(T.RPAREN, ID.rparen);
    this.node(type, from, start);
  }

  private array(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.lbracket);
    let type = ID.ArrayExpression;
    if (lx.t !== T.RBRACKET) {
      this.item();
      if (lx.t === T.FOR || lx.t === T.ASYNC) {
        this.compFor();
        type = ID.ArrayComprehensionExpression;
      } else {
        while (lx.t === T.COMMA) {
          this.take(ID.comma);
          if (lx.t === T.RBRACKET) break;
          this.item();
        }
      }
    }
    this.expect(T.RBRACKET, ID.rbracket);
    this.node(type, from, start);
  }

  private braces(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.lbrace);
    let type = ID.DictionaryExpression;
    if (lx.t !== T.RBRACE) {
      const dict = this.braceItem(null);
      if (lx.t === T.FOR || lx.t === T.ASYNC) {
        this.compFor();
        type = dict ? ID.DictionaryComprehensionExpression : ID.SetComprehensionExpression;
      } else {
        type = dict ? ID.DictionaryExpression : ID.SetExpression;
        while (lx.t === T.COMMA) {
          this.take(ID.comma);
          if (lx.t === T.RBRACE) break;
          this.braceItem(dict);
        }
      }
    }
    this.expect(T.RBRACE, ID.rbrace);
    this.node(type, from, start);
  }

  /** One item of a dict or set display; says whether it was a dict item. */
  private braceItem(dict: boolean | null): boolean {
    const lx = this.lx;
    let isDict: boolean;
    if (lx.t === T.DSTAR) {
      this.take(ID.dstar);
      this.expression();
      isDict = true;
    } else if (lx.t === T.STAR) {
      this.take(ID.star);
      this.expression();
      isDict = false;
    } else {
      this.test();
      isDict = lx.t === T.COLON;
      if (isDict) {
        this.take(ID.colon);
        this.test();
      }
    }
    if (dict !== null && dict !== isDict) bail();
    return isDict;
  }

  /** compFor, flat inside its comprehension. */
  private compFor(): void {
    const lx = this.lx;
    if (lx.t === T.ASYNC) this.take(ID.async);
    this.expect(T.FOR, ID.for);
    for (;;) {
      this.expression();
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
      if (lx.t === T.IN) break;
    }
    this.expect(T.IN, ID.in);
    this.binary(P_OR);
    this.compTail();
  }

  private compTail(): void {
    const lx = this.lx;
    if (lx.t === T.FOR || lx.t === T.ASYNC) this.compFor();
    else if (lx.t === T.IF) {
      this.take(ID.if);
      this.test(true);
      this.compTail();
    }
  }

  private lambda(noCond: boolean): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.take(ID.lambda);
    if (lx.t === T.COLON) {
      // lezer places an empty node after the whitespace and comments before the next token.
      this.mark();
      this.push(ID.LambdaParamList, lx.ts, lx.ts, 4);
    } else {
      const paramsStart = this.mark();
      const paramsFrom = lx.ts;
      for (;;) {
        if (lx.t === T.STAR) {
          this.take(ID.star);
          if (lx.t === T.NAME) this.name();
        } else if (lx.t === T.DSTAR) {
          this.take(ID.dstar);
          this.name();
        } else {
          this.name();
          if (lx.t === T.ASSIGN) {
            this.take(ID.LambdaAssignOp);
            this.test();
          }
        }
        if (lx.t !== T.COMMA) break;
        this.take(ID.comma);
      }
      this.node(ID.LambdaParamList, paramsFrom, paramsStart);
    }
    this.expect(T.COLON, ID.colon);
    this.test(noCond);
    this.node(noCond ? ID.LambdaNoCond : ID.LambdaExpression, from, start);
  }

  private yieldExpression(): void {
    const start = this.mark();
    const from = this.lx.ts;
    this.yieldInner();
    this.node(ID.YieldExpression, from, start);
  }

  /** `yield` and its operands; a bare `yield` at the end of a line gets lezer's error node. */
  private yieldInner(): void {
    const lx = this.lx;
    this.take(ID.yield);
    if (lx.t === T.NEWLINE) {
      // lezer misses an operand: a zero-length error node at the newline, after any comment.
      this.mark();
      this.push(0, lx.ts, lx.ts, 4);
      this.lastEnd = lx.ts;
    } else if (lx.t === T.FROM) {
      this.take(ID.from);
      this.test();
    } else {
      if (!startsExpression[lx.t]) bail();
      this.commaList(() => this.item(false));
    }
  }

  // Strings.

  /** One string, or adjacent strings as a ContinuedString. */
  private strings(): void {
    const lx = this.lx;
    const start = this.mark();
    const from = lx.ts;
    this.string();
    if (lx.t !== T.STRING) return;
    while (lx.t === T.STRING) this.string();
    this.node(ID.ContinuedString, from, start);
  }

  /** The current STRING token's whole string: its Escape and FormatReplacement children. */
  private string(): void {
    const lx = this.lx;
    const src = this.src;
    const start = this.mark();
    const from = lx.ts;
    const flags = lx.stringFlags;
    const quote = flags & S_DOUBLE ? 34 : 39;
    const long = (flags & S_LONG) !== 0;
    const escapes = (flags & S_RAW) === 0;
    const format = (flags & S_FORMAT) !== 0;
    const len = src.length;
    let pos = lx.te;
    for (;;) {
      if (pos >= len) bail();
      const c = src.charCodeAt(pos);
      if (c === quote) {
        if (!long) {
          pos++;
          break;
        }
        if (src.charCodeAt(pos + 1) === quote && src.charCodeAt(pos + 2) === quote) {
          pos += 3;
          break;
        }
        pos++;
      } else if (c === 92) {
        if (escapes) pos = this.escape(pos);
        else pos += 2;
      } else if (c === 10) {
        if (!long) bail();
        pos++;
      } else if (c === 123 && format) {
        if (src.charCodeAt(pos + 1) === 123) pos += 2;
        else pos = this.replacement(pos, false);
      } else pos++;
    }
    this.push(format ? ID.FormatString : ID.String, from, pos, this.n - start + 4);
    this.lastEnd = pos;
    lx.pos = pos;
    lx.next();
  }

  /** An Escape at `pos` (a backslash), as lezer's string tokenizer reads it; returns its end. */
  private escape(pos: number): number {
    const src = this.src;
    const from = pos;
    pos++;
    if (pos >= src.length) bail();
    const c = src.charCodeAt(pos++);
    let max = 0;
    let hex = true;
    if (c === 111) {
      max = 2;
      hex = false;
    } else if (c === 120) max = 2;
    else if (c === 117) max = 4;
    else if (c === 85) max = 8;
    else if (c === 78 && src.charCodeAt(pos) === 123) {
      // \N{NAME}: up to the closing brace, a quote or a newline.
      pos++;
      for (;;) {
        const d = src.charCodeAt(pos);
        if (pos >= src.length || d === 125 || d === 39 || d === 34 || d === 10) break;
        pos++;
      }
      if (src.charCodeAt(pos) === 125) pos++;
    }
    for (let i = 0; i < max; i++) {
      const d = src.charCodeAt(pos);
      const ok = hex ? (d >= 48 && d <= 57) || ((d | 32) >= 97 && (d | 32) <= 102) : d >= 48 && d <= 55;
      if (!ok) break;
      pos++;
    }
    this.push(ID.Escape, from, pos, 4);
    return pos;
  }

  /** A FormatReplacement opening at `pos` (a `{`); returns its end. */
  private replacement(pos: number, nested: boolean): number {
    const lx = this.lx;
    const src = this.src;
    const start = this.n;
    this.push(nested ? ID.lbrace : ID.replacementStart, pos, pos + 1, 4);
    lx.pos = pos + 1;
    lx.depth++;
    lx.fdepth++;
    lx.next();
    if (lx.t === T.YIELD) bail();
    for (;;) {
      if (lx.t === T.STAR) this.take(ID.star);
      this.test();
      if (lx.t !== T.COMMA) break;
      this.take(ID.comma);
    }
    if (lx.t === T.ASSIGN) this.take(nested ? ID.NestedFormatSelfDoc : ID.FormatSelfDoc);
    if (lx.t === T.FCONV) this.take(ID.FormatConversion);
    let end: number;
    if (lx.t === T.COLON) {
      const specStart = this.n;
      const specFrom = lx.ts;
      this.push(ID.colon, lx.ts, lx.te, 4);
      let p = lx.te;
      let specEnd = p;
      for (;;) {
        const c = src.charCodeAt(p);
        if (p >= src.length || c === 10 || c === 13 || c === 34 || c === 39 || c === 92) bail();
        if (c === 125) break;
        if (c === 123) {
          p = specEnd = this.replacement(p, true);
        } else specEnd = ++p;
      }
      this.push(ID.FormatSpec, specFrom, specEnd, this.n - specStart + 4);
      this.push(ID.rbrace, p, p + 1, 4);
      lx.depth--;
      end = p + 1;
    } else {
      if (lx.t !== T.RBRACE) bail();
      this.push(ID.rbrace, lx.ts, lx.te, 4);
      end = lx.te;
    }
    lx.fdepth--;
    this.push(nested ? ID.NestedFormatReplacement : ID.FormatReplacement, pos, end, this.n - start + 4);
    this.lastEnd = end;
    return end;
  }
}
