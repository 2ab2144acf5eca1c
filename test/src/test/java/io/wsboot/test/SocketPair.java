package io.wsboot.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A {@link RawSocket} connected over the loopback interface to a plain socket that plays
 * the server, for tests of what reads and writes the raw socket.
 */
final class SocketPair implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final RawSocket client;

	private final Socket server;

	private final URI uri;

	private SocketPair(ServerSocket serverSocket, RawSocket client, Socket server, URI uri) {
		this.serverSocket = serverSocket;
		this.client = client;
		this.server = server;
		this.uri = uri;
	}

	static SocketPair open(Duration timeout) throws IOException {
		ServerSocket serverSocket = new ServerSocket(0);
		try {
			serverSocket.setSoTimeout((int) timeout.toMillis());
			URI uri = URI.create("ws://localhost:" + serverSocket.getLocalPort() + "/");
			RawSocket client = RawSocket.connect(uri, timeout);
			return new SocketPair(serverSocket, client, serverSocket.accept(), uri);
		}
		catch (IOException ex) {
			serverSocket.close();
			throw ex;
		}
	}

	URI uri() {
		return this.uri;
	}

	RawSocket client() {
		return this.client;
	}

	SocketPair serverWrites(byte[] bytes) throws IOException {
		this.server.getOutputStream().write(bytes);
		this.server.getOutputStream().flush();
		return this;
	}

	SocketPair serverWrites(String text) throws IOException {
		return serverWrites(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	byte[] serverReads(int length) throws IOException {
		this.server.setSoTimeout(this.serverSocket.getSoTimeout());
		return this.server.getInputStream().readNBytes(length);
	}

	void serverCloses() throws IOException {
		this.server.close();
	}

	@Override
	public void close() throws IOException {
		this.client.close();
		this.server.close();
		this.serverSocket.close();
	}

}
