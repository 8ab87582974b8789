"""Reading responses the same way whether they were streamed or not."""


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
