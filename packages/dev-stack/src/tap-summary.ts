/**
 * Counts tests in tap's TAP output: each `t.test(...)` directly inside a test file is one test (its assertions do
 * not count separately). A file that fails outside any test (a crash, a syntax error) counts as one failed test.
 * It also names each failure ("file: test", or the file alone), so a long run's last lines can say what failed.
 */
export class TapSummary {
  passed = 0;
  failed = 0;
  /** "file: test" for each failed test, the file alone for a file that failed outside any test. */
  readonly failures: string[] = [];
  private failedTestsOfFile: string[] = [];
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
    const test = /^ {4}(not )?ok \d+ - (.*)$/.exec(line);
    if (test) {
      if (test[1]) {
        this.failed++;
        this.failedTestsOfFile.push(withoutDirective(test[2] ?? ''));
      } else this.passed++;
      return;
    }
    const file = /^(not )?ok \d+ - (.*)$/.exec(line);
    if (file) {
      const fileName = withoutDirective(file[2] ?? '');
      if (file[1] && this.failedTestsOfFile.length === 0) {
        this.failedFiles++;
        this.failures.push(fileName);
      }
      for (const name of this.failedTestsOfFile) this.failures.push(`${fileName}: ${name}`);
      this.failedTestsOfFile = [];
    }
  }

  get totals(): { passed: number; failed: number } {
    return { passed: this.passed, failed: this.failed + this.failedFiles };
  }
}

/** A TAP description without its trailing directive (`# time=5ms`, `# SKIP …`). */
function withoutDirective(description: string): string {
  return description.replace(/ # .*$/, '').trim();
}
