package io.wsboot.test;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link HttpResponseReader}.
 */
class HttpResponseReaderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String REQUEST = "GET / HTTP/1.1\r\n\r\n";

	@Test
	void readsTheStatusLineAndTheHeadersWithLowerCasedNames() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 403 Forbidden\r\nX-One: a\r\nx-one:  b \r\nContent-Length: 0\r\n\r\n");
			HandshakeResult result = reader(pair).read("GET", null, REQUEST);
			assertThat(result.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
			assertThat(result.status()).isEqualTo(403);
			assertThat(result.headerValues("x-one")).containsExactly("a", "b");
			assertThat(result.body()).isEmpty();
		}
	}

	@Test
	void readsABodyOfContentLengthAndNoMore() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nhello, and more");
			assertThat(reader(pair).read("GET", null, REQUEST).body()).isEqualTo("hello");
			pair.client().startRead();
			assertThat(pair.client().readByte()).isEqualTo(',');
		}
	}

	@Test
	void readsAChunkedBodyAndItsTrailers() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n!");
			assertThat(reader(pair).read("GET", null, REQUEST).body()).isEqualTo("hello, world");
			pair.client().startRead();
			assertThat(pair.client().readByte()).isEqualTo('!');
		}
	}

	@Test
	void readsABodyWithoutLengthUntilTheConnectionEnds() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.0 400 Bad Request\r\n\r\nuntil the end").serverCloses();
			assertThat(reader(pair).read("GET", null, REQUEST).body()).isEqualTo("until the end");
		}
	}

	@Test
	void readsNoBodyAfterASwitchingProtocolsResponse() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
				.serverWrites(new byte[] { (byte) 0x81, 0 });
			HandshakeResult result = reader(pair).read("GET", "dGhlIHNhbXBsZSBub25jZQ==", REQUEST);
			assertThat(result.status()).isEqualTo(101);
			assertThat(result.body()).isEmpty();
			pair.client().startRead();
			assertThat(pair.client().readByte()).isEqualTo(0x81);
		}
	}

	@Test
	void readsNoBodyForAHeadRequestOrA204() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")
				.serverWrites("HTTP/1.1 204 No Content\r\n\r\n");
			assertThat(reader(pair).read("HEAD", null, REQUEST).status()).isEqualTo(200);
			assertThat(reader(pair).read("GET", null, REQUEST).status()).isEqualTo(204);
		}
	}

	@Test
	void failsOnAResponseThatIsNotHttp() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("SSH-2.0-OpenSSH\r\n");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> reader(pair).read("GET", null, REQUEST))
				.withMessage("Response from " + pair.uri() + " is not HTTP/1.x: \"SSH-2.0-OpenSSH\"");
		}
	}

	@Test
	void failsWhenTheConnectionEndsBeforeTheHeadIsComplete() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites("HTTP/1.1 400 Bad Request\r\nContent-Le").serverCloses();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> reader(pair).read("GET", null, REQUEST))
				.withMessageStartingWith("Connection closed by " + pair.uri() + " before a complete response")
				.withMessageEndingWith("to:\n" + REQUEST);
		}
	}

	@Test
	void failsWhenTheResponseDoesNotCompleteWithinTheTimeout() throws IOException {
		Duration timeout = Duration.ofMillis(200);
		try (SocketPair pair = SocketPair.open(timeout)) {
			pair.serverWrites("HTTP/1.1 400 Bad Request\r\n");
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> new HttpResponseReader(pair.client(), pair.uri(), timeout).read("GET", null, REQUEST))
				.withMessageStartingWith("No complete handshake response from " + pair.uri() + " within 200ms");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		}
	}

	private static HttpResponseReader reader(SocketPair pair) {
		return new HttpResponseReader(pair.client(), pair.uri(), TIMEOUT);
	}

}
