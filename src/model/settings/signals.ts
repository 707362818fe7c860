import type { Span } from '../../core/position.js';
import type { PyNode } from '../../parse/python.js';
import type { Condition, Val } from './values.js';

/** Non-local control flow inside the evaluated program (return, break, continue, raise). */
export class ControlSignal {
  constructor(
    readonly kind: 'return' | 'break' | 'continue' | 'raise',
    readonly value: Val | undefined,
    /** For raise: the exception class name, e.g. "ImportError". */
    readonly exception?: string,
    readonly node?: PyNode,
  ) {}
}

/** The step or depth budget ran out: evaluation stops, what is left stays unknown. */
export class LimitReached extends Error {
  constructor(
    message: string,
    /** The statement or expression being evaluated when the limit was reached. */
    readonly span?: Span,
  ) {
    super(message);
  }
}

/** A return taken under a condition that could not be decided, kept to merge at the end of the call. */
export interface PendingReturn {
  value: Val;
  cond: Condition;
}

const EXCEPTION_PARENTS: Record<string, string> = {
  ModuleNotFoundError: 'ImportError',
  ImportError: 'Exception',
  KeyError: 'LookupError',
  IndexError: 'LookupError',
  LookupError: 'Exception',
  UnicodeDecodeError: 'ValueError',
  ValueError: 'Exception',
  TypeError: 'Exception',
  AttributeError: 'Exception',
  NameError: 'Exception',
  FileNotFoundError: 'OSError',
  PermissionError: 'OSError',
  IOError: 'Exception',
  OSError: 'Exception',
  EnvironmentError: 'Exception',
  ZeroDivisionError: 'ArithmeticError',
  ArithmeticError: 'Exception',
  AssertionError: 'Exception',
  RuntimeError: 'Exception',
  NotImplementedError: 'RuntimeError',
  UndefinedValueError: 'Exception',
  ImproperlyConfigured: 'Exception',
  Exception: 'BaseException',
  KeyboardInterrupt: 'BaseException',
  SystemExit: 'BaseException',
};

/** Whether `except <handler>` catches an exception of class `raised` (unknown classes: Exception). */
export function exceptionMatches(raised: string, handler: string): boolean {
  if (handler === 'BaseException') return true;
  let cur: string | undefined = raised;
  const seen = new Set<string>();
  while (cur && !seen.has(cur)) {
    if (cur === handler) return true;
    seen.add(cur);
    cur = EXCEPTION_PARENTS[cur] ?? (cur === 'BaseException' ? undefined : 'Exception');
  }
  return false;
}

export const KNOWN_EXCEPTIONS = Object.keys(EXCEPTION_PARENTS).concat(['BaseException', 'Warning', 'DeprecationWarning', 'UserWarning']);
