package io.wsboot.server;

import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * Reactor Netty's inbound of a WebSocket connection over a channel of a test: its frames
 * and its close status are what the test emits.
 */
final class TestWebsocketInbound implements WebsocketInbound {

	final Sinks.Many<WebSocketFrame> frames = Sinks.many().unicast().onBackpressureBuffer();

	final Sinks.One<WebSocketCloseStatus> closeStatus = Sinks.one();

	private final Connection connection;

	TestWebsocketInbound(Channel channel) {
		this.connection = Connection.from(channel);
	}

	@Override
	public @Nullable String selectedSubprotocol() {
		return null;
	}

	@Override
	public HttpHeaders headers() {
		return EmptyHttpHeaders.INSTANCE;
	}

	@Override
	public Mono<WebSocketCloseStatus> receiveCloseStatus() {
		return this.closeStatus.asMono();
	}

	@Override
	public ByteBufFlux receive() {
		return ByteBufFlux.fromInbound(Flux.empty());
	}

	@Override
	public Flux<?> receiveObject() {
		return this.frames.asFlux();
	}

	@Override
	public NettyInbound withConnection(Consumer<? super Connection> withConnection) {
		withConnection.accept(this.connection);
		return this;
	}

}
