/** An error the sandbox answers with, in the shape Octopus uses. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    // The Go client's older services only recognise a 404 as "gone" when Errors is absent.
    if (this.status === 404) return { ErrorMessage: this.message };
    return {
      ErrorMessage: this.message,
      Errors: this.errors.length ? this.errors : [this.message],
      ParsedHelpLinks: [],
    };
  }
}

export const notFound = (what: string) =>
  new ApiError(404, `The resource '${what}' was not found.`, [`The resource '${what}' was not found.`]);

export const badRequest = (...errors: string[]) =>
  new ApiError(400, "There was a problem with your request.", errors.length ? errors : ["Bad request"]);
