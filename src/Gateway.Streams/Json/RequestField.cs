namespace Gateway.Streams.Json;

/// <summary>
/// The top-level fields of a request body that the gateway itself reads (validation, limits, preparation), each
/// found once by <see cref="RequestFields.Read"/>. The wire name of each is <see cref="RequestFields.NameOf"/>.
/// </summary>
public enum RequestField
{
    Model,
    Stream,
    StreamOptions,
    Messages,
    Prompt,
    PromptEmbeds,
    Input,
    Instructions,
    Tools,
    ToolChoice,
    N,
    MaxTokens,
    MaxCompletionTokens,
    MaxOutputTokens,
    Temperature,
    TopP,
    PresencePenalty,
    FrequencyPenalty,
    Stop,
    Seed,
    User,
    Logprobs,
    TopLogprobs,
    Echo,
    ResponseFormat,
}
