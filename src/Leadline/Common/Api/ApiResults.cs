using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Common.Api;

/// <summary>Maps a <see cref="Result{T}"/> to problem+json, so every endpoint answers errors the same way.</summary>
public static class ApiResults
{
    public static IResult Problem<T>(Result<T> result) =>
        result switch
        {
            { NotFound: true } => NotFound(),
            { Conflict: { } message } => TypedResults.Problem(message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
            { Forbidden: { } message } => TypedResults.Problem(message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
            { Stale: { } message } => TypedResults.Problem(message, statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed"),
            _ => TypedResults.ValidationProblem(result.Errors.ToDictionary()),
        };

    public static ProblemHttpResult NotFound(string detail = "No such record.") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}

/// <summary>The list envelope of API.md: <c>{ items, nextCursor, total }</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor, int Total);

/// <summary>Opaque keyset cursors: base64url of the last row's sort key.</summary>
public static class Cursor
{
    public static string Encode(string key) =>
        Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(key));

    public static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return null;
        try
        {
            return System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static int Limit(int? limit) => Math.Clamp(limit ?? 50, 1, 500);
}
