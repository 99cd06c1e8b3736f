/**
 * Counts tests in tap's TAP output: each `t.test(...)` directly inside a test file is one test (its assertions do
 * not count separately). A file that fails outside any test (a crash, a syntax error) counts as one failed test.
 */
export class TapSummary {
  passed = 0;
  failed = 0;
  private fileFailures = 0;
  private failedFiles = 0;
  private buffer = '';

  /** Feeds a chunk of TAP output. */
  push(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.buffer) this.line(this.buffer);
    this.buffer = '';
  }

  private line(line: string): void {
    const test = /^ {4}(not )?ok \d+ - /.exec(line);
    if (test) {
      if (test[1]) {
        this.failed++;
        this.fileFailures++;
      } else this.passed++;
      return;
    }
    const file = /^(not )?ok \d+ - /.exec(line);
    if (file) {
      if (file[1] && this.fileFailures === 0) this.failedFiles++;
      this.fileFailures = 0;
    }
  }

  get totals(): { passed: number; failed: number } {
    return { passed: this.passed, failed: this.failed + this.failedFiles };
  }
}
