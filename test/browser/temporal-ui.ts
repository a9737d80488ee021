/**
 * Page helpers for the Temporal Web UI 2.42.1 (the UI inside Temporal CLI 1.5.1), written against
 * what its pages expose to assistive technology: roles, accessible names and visible text. Where an
 * element has no accessible name, a comment says which attribute is used instead.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Locator, Page, Response } from 'playwright-core';

/** Where every run saves its screenshots (gitignored). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../test-artifacts/browser');

/** How long a list query is retried while visibility catches up with the workflow. */
const VISIBILITY_WAIT_MS = 20_000;

/** Result of the Send an Update dialog: the UI's own HTTP exchange and what the dialog showed. */
export interface UpdateOutcome {
  /** HTTP status of the UI's update request. */
  httpStatus: number;
  /** The update's return value, decoded from the first success payload. */
  result?: unknown;
  /** Message of the failure alert in the dialog, for a rejected or failed update. */
  failure?: string;
  /** The toast the UI showed on success ("Update successful"). */
  toast?: string;
}

export class TemporalWebUi {
  private screenshotCount = 0;

  /**
   * @param baseUrl the UI's loopback URL, for example `http://localhost:8233`
   */
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
    private readonly namespace = 'default',
  ) {}

  /** Empties the screenshot directory, so that it contains this run's pictures only. */
  static async resetScreenshots(): Promise<void> {
    await rm(SCREENSHOT_DIR, { recursive: true, force: true });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
  }

  /** Saves the viewport as `NN-name.png` under {@link SCREENSHOT_DIR} and returns the path. */
  async screenshot(name: string): Promise<string> {
    this.screenshotCount += 1;
    const path = join(SCREENSHOT_DIR, `${String(this.screenshotCount).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Opens the Workflows list, types `query` into the raw query box and searches until a link to
   * `workflowId` appears, because visibility lags behind the workflow by up to a few seconds.
   * @returns the link to the workflow in the list
   */
  async findWorkflow(query: string, workflowId: string): Promise<Locator> {
    await this.searchWorkflows(query);
    const link = this.workflowLink(workflowId);
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    for (;;) {
      try {
        await link.waitFor({ state: 'visible', timeout: 2_000 });
        return link;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`The Workflows list did not show ${workflowId} for the query ${query} within ${VISIBILITY_WAIT_MS} ms`, { cause: error });
        }
        await this.page.getByRole('button', { name: 'Search', exact: true }).click();
      }
    }
  }

  /** Opens the Workflows list and runs `query`; resolves once the list shows the query's result. */
  async searchWorkflows(query: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/namespaces/${this.namespace}/workflows`);
    const queryBox = this.page.getByRole('searchbox', { name: 'Enter a query' });
    // The toggle for the raw query box is an icon button without an accessible name.
    if (!(await queryBox.isVisible())) await this.page.getByTestId('toggle-manual-query').click();
    await queryBox.fill(query);
    // The heading keeps the previous list's count until the UI has the new results, so wait for the
    // UI's own list request with this query, then for the heading to show that many.
    const listed = this.page.waitForResponse((response) => {
      const url = new URL(response.url());
      return url.pathname.endsWith('/workflows') && url.searchParams.get('query')?.includes(query) === true;
    });
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
    await this.page.waitForURL((url) => url.searchParams.get('query') === query);
    const body = (await (await listed).json()) as { executions?: unknown[] | null };
    const expected = body.executions?.length ?? 0;
    await this.page
      .getByRole('heading', { level: 1, name: new RegExp(`^${expected} Workflows?$`) })
      .waitFor();
  }

  /** Locates the list's heading, for example "1 Workflow" or "0 Workflows". */
  workflowCountHeading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^\d+ Workflows?$/ });
  }

  /** Reads the number of workflows that the list's heading reports for the current query. */
  async workflowCount(): Promise<number> {
    const heading = (await this.workflowCountHeading().innerText()).replace(/\s+/g, ' ');
    return Number.parseInt(heading, 10);
  }

  workflowLink(workflowId: string): Locator {
    // Each row links the workflow id, the run id and the type; the first link shows the id.
    return this.page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: workflowId, exact: true }).first();
  }

  /** Opens a workflow from the list and waits for its page. */
  async openWorkflow(link: Locator, workflowId: string): Promise<void> {
    await link.click();
    await this.page.getByRole('heading', { level: 1, name: workflowId }).waitFor();
  }

  /** Reloads the workflow page, so its summary, tabs and current details show the latest state. */
  async refreshWorkflow(workflowId: string): Promise<void> {
    await this.page.reload();
    await this.page.getByRole('heading', { level: 1, name: workflowId }).waitFor();
  }

  /** Opens "More Actions" → `action` and returns the dialog it opens. */
  async openAction(action: 'Send a Signal' | 'Send an Update'): Promise<Locator> {
    await this.page.getByRole('button', { name: 'More Actions' }).click();
    await this.page.getByRole('menuitem', { name: action }).click();
    const dialog = this.page.getByRole('dialog', { name: action });
    await dialog.waitFor();
    return dialog;
  }

  /**
   * Opens the name select of a Send a Signal or Send an Update dialog and returns its options:
   * one per handler the workflow reported through `__temporal_workflow_metadata`, then "Custom".
   */
  async openNameSelect(dialog: Locator): Promise<Locator> {
    await dialog.getByRole('button', { name: /^Select an? (signal|Update)$/ }).click();
    const options = dialog.getByRole('option');
    await options.first().waitFor();
    return options;
  }

  /** Picks `name` in an open name select; the option's accessible name is the name and its description. */
  async chooseName(dialog: Locator, name: string): Promise<void> {
    await dialog.getByRole('option', { name: new RegExp(`^${escapeRegExp(name)}(\\s|$)`) }).click();
  }

  /**
   * Types `json` into the dialog's Data editor, exactly as given, and moves the focus out of it.
   * Leaving the editor reformats the JSON, which grows the dialog and moves Submit. A click on
   * Submit while the editor still has the focus would land where the button was, and be lost.
   */
  async enterData(dialog: Locator, json: string): Promise<void> {
    // The CodeMirror editor is a contenteditable textbox without a label.
    const editor = dialog.locator('[role="textbox"][contenteditable="true"]');
    await editor.fill(json);
    await this.page.keyboard.press('Tab');
    await dialog.getByRole('button', { name: 'Submit' }).waitFor();
  }

  /**
   * Sends a signal through More Actions → Send a Signal and waits for the "Workflow signaled." toast.
   * @param capture screenshot name to save with the dialog filled in, before Submit
   */
  async sendSignal(name: string, json: string, capture?: string): Promise<void> {
    await this.dismissToasts();
    const dialog = await this.openAction('Send a Signal');
    await this.openNameSelect(dialog);
    await this.chooseName(dialog, name);
    await this.enterData(dialog, json);
    if (capture) await this.screenshot(capture);

    await dialog.getByRole('button', { name: 'Submit' }).click();
    try {
      await this.waitForToast('Workflow signaled.');
    } catch (error) {
      const dialogText = (await dialog.isVisible()) ? await dialog.innerText() : 'the dialog closed';
      throw new Error(`Sending the ${name} signal with ${json} showed no "Workflow signaled." toast; the UI showed: ${dialogText}`, { cause: error });
    }
    await dialog.waitFor({ state: 'hidden' });
  }

  /**
   * Sends an update through More Actions → Send an Update. On success the dialog closes with a
   * toast and shows no result, so the result is read from the UI's own HTTP response. On a failure
   * the dialog stays open with an alert, which is left open for a screenshot; close it with
   * {@link closeDialog}.
   */
  async sendUpdate(name: string, json: string): Promise<UpdateOutcome> {
    await this.dismissToasts();
    const dialog = await this.openAction('Send an Update');
    await this.openNameSelect(dialog);
    await this.chooseName(dialog, name);
    await this.enterData(dialog, json);

    const responsePromise = this.page.waitForResponse((response) => isUpdateRequest(response, name), { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Submit' }).click();
    const response = await responsePromise;
    const body = (await response.json()) as UpdateResponseBody;
    const outcome: UpdateOutcome = { httpStatus: response.status() };
    const payload = body.outcome?.success?.payloads?.[0]?.data;
    if (payload !== undefined) outcome.result = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));

    if (body.outcome?.success) {
      outcome.toast = await this.waitForToast('Update successful');
      await dialog.waitFor({ state: 'hidden' });
    } else {
      const alert = dialog.getByRole('alert');
      await alert.waitFor();
      outcome.failure = (await alert.getByRole('paragraph').first().innerText()).trim();
    }
    return outcome;
  }

  /**
   * Closes the toasts still on screen. A toast stays for about three seconds (measured with UI
   * 2.42.1), so without this the toast of an earlier action could pass for the next one's.
   */
  private async dismissToasts(): Promise<void> {
    // The toasts live in a region with role "log"; each has a "Close" button.
    const closeButtons = this.page.getByRole('log').getByRole('button', { name: 'Close' });
    for (let attempt = 0; attempt < 10 && (await closeButtons.count()) > 0; attempt += 1) {
      // A toast can expire between the count and the click; a short timeout skips it.
      await closeButtons.first().click({ timeout: 1_000 }).catch(() => undefined);
    }
  }

  /** Waits for a toast with exactly `text` and returns its text. */
  private async waitForToast(text: string): Promise<string> {
    const toast = this.page.getByRole('log').getByText(text, { exact: true }).first();
    await toast.waitFor({ timeout: 10_000 });
    return (await toast.innerText()).trim();
  }

  async closeDialog(dialog: Locator): Promise<void> {
    await dialog.getByRole('button', { name: 'Cancel' }).last().click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /**
   * Returns the text of the "Current Details" panel (tab User Metadata): the markdown the workflow
   * set with setCurrentDetails, rendered by the UI server into an iframe titled "output".
   */
  async currentDetails(): Promise<string> {
    await this.page.getByRole('tab', { name: 'User Metadata' }).click();
    await this.page.getByRole('heading', { name: 'Current Details' }).waitFor();
    return this.page.frameLocator('iframe[title="output"]').locator('body').innerText();
  }

  /**
   * Runs a query from the Queries tab. Returns the decoded result from the UI's own HTTP response,
   * and the text of the result pane, which may hold only the lines in view: CodeMirror renders a
   * long document lazily.
   */
  async runQuery(queryType: string): Promise<{ result: unknown; paneText: string }> {
    await this.page.getByRole('tab', { name: 'Queries' }).click();
    // The select is named after the chosen query type. UI 2.42.1 preselects the workflow's only query.
    try {
      await this.page.getByRole('button', { name: queryType, exact: true }).waitFor();
    } catch (error) {
      throw new Error(`The Queries tab did not preselect the query type ${queryType}`, { cause: error });
    }

    const responsePromise = this.page.waitForResponse((response) => new URL(response.url()).pathname.endsWith(`/query/${queryType}`));
    await this.page.getByRole('button', { name: /^(Run|Refresh) Query$/ }).click();
    const body = (await (await responsePromise).json()) as { queryResult?: { payloads?: Array<{ data?: string }> } };
    const data = body.queryResult?.payloads?.[0]?.data;
    if (data === undefined) throw new Error(`The ${queryType} query returned no payload: ${JSON.stringify(body).slice(0, 300)}`);

    // The result pane is the last CodeMirror textbox in the tab: the Query Arg editor comes before it.
    const pane = this.page.getByRole('main').locator('[role="textbox"][contenteditable]').last();
    const paneText = await waitForText(pane, (text) => text.trim().startsWith('{'));
    return { result: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown, paneText };
  }
}

interface UpdateResponseBody {
  outcome?: {
    success?: { payloads?: Array<{ data?: string }> };
    failure?: { message?: string };
  };
}

function isUpdateRequest(response: Response, name: string): boolean {
  return response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(`/update/${name}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls a locator's text until `accept` returns true, for up to `timeoutMs`. */
async function waitForText(locator: Locator, accept: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText();
    if (accept(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for the expected text; last text: ${text.slice(0, 300)}`);
}
