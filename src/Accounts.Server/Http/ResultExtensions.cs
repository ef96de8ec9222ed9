using Accounts.Core.Errors;

namespace Accounts.Server.Http;

internal static class ResultExtensions
{
    /// <summary>The use case's value through <paramref name="onSuccess"/>, or its error as ProblemDetails.</summary>
    public static IResult ToHttp<T>(this Result<T> result, HttpContext context, Func<T, IResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value) : Problems.From(result.Error!, context);
}
