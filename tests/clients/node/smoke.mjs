// The official openai Node SDK against a running gateway on the embedded default (or any model that parses tools):
// a tool loop (call -> tool result -> final text), plain and streamed, and a plain streamed chat. Exits 1 on failure.
import assert from "node:assert/strict";
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.GATEWAY_BASE_URL ?? "http://127.0.0.1:8000/v1", apiKey: process.env.OPENAI_API_KEY ?? "any-key" });
const model = process.env.GATEWAY_MODEL ?? "selfhost-qwen";
const tools = [{ type: "function", function: {
  name: "get_weather", description: "Current weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];

async function turn(messages, stream) {
  if (!stream) {
    return (await client.chat.completions.create({ model, messages, tools })).choices[0].message;
  }
  // The SDK's stream helper assembles the deltas (tool-call argument fragments included) into one message.
  const runner = client.beta.chat.completions.stream({ model, messages, tools });
  return (await runner.finalChatCompletion()).choices[0].message;
}

for (const stream of [false, true]) {
  const messages = [{ role: "user", content: "What is the weather in Paris?" }];
  const calls = [];
  let answer = null;
  for (let i = 0; i < 4 && answer === null; i++) {
    const reply = await turn(messages, stream);
    messages.push(reply);
    if (!reply.tool_calls?.length) { answer = reply.content; break; }
    for (const call of reply.tool_calls) {
      const { city } = JSON.parse(call.function.arguments);
      calls.push(call.function.name);
      messages.push({ role: "tool", tool_call_id: call.id, content: `Sunny, 21 degrees in ${city}` });
    }
  }
  assert.deepEqual(calls, ["get_weather"], `stream=${stream}: one tool call`);
  assert.match(answer ?? "", /Sunny, 21 degrees in example/, `stream=${stream}: the answer mentions the tool result`);
  console.log(`tool loop (stream=${stream}): ok: ${answer}`);
}

let text = "";
for await (const chunk of await client.chat.completions.create({ model, stream: true, max_tokens: 5, messages: [{ role: "user", content: "hi" }] })) {
  text += chunk.choices[0]?.delta?.content ?? "";
}
assert.ok(text.length > 0, "the stream carried text");
console.log(`stream: ok: ${text}`);
